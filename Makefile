# Shortcuts for those who have make; each one calls course.py, which needs only python3.
PYTHON ?= python3

.PHONY: start test validate refresh bench lock
start:    ; $(PYTHON) course.py start
test:     ; $(PYTHON) course.py test
validate: ; $(PYTHON) course.py validate
refresh:  ; $(PYTHON) course.py refresh
bench:    ; $(PYTHON) course.py bench
lock:     ; $(PYTHON) course.py lock
