# Shortcuts for those who have make; each one calls course.py, which needs only python3.
PYTHON ?= python3
OUT ?= grading-results

.PHONY: start test validate refresh exercises handout grade merge-written bench lock
start:     ; $(PYTHON) course.py start
test:      ; $(PYTHON) course.py test
validate:  ; $(PYTHON) course.py validate
refresh:   ; $(PYTHON) course.py refresh
exercises: ; $(PYTHON) course.py exercises
handout:   ; $(PYTHON) course.py handout
grade:     ; $(PYTHON) course.py grade "$(SUBMISSIONS)" --out "$(OUT)"
merge-written: ; $(PYTHON) course.py grade --merge-written --out "$(OUT)"
bench:     ; $(PYTHON) course.py bench
lock:      ; $(PYTHON) course.py lock
