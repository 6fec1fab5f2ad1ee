// The course's quiz, written once: JupyterLab shows it through anywidget, the static site from the same
// quiz data with no kernel. Marking and feedback happen here, in the page; whoever hosts the quiz saves
// the answers (the kernel in JupyterLab, the browser's local storage on the site).
//
// The host gives a model with get(name), send(message) and on(event, callback), as anywidget does:
//   get("quiz")   {lesson, heading, questions: [question data from questions.py's page_data()]}
//   get("saved")  {question id: {response, status, tries, revealed}}, the answers saved before
//   send({event: "answer", lesson, id, response, status, score, tries, revealed, attempt})
//   on("msg:custom", ({event: "problem", id, message}) => ...), a save that went wrong
//
// Stable CSS classes (styled in quiz.css, used by the tests): quiz, quiz-question, quiz-type-<type>,
// quiz-prompt, quiz-choice, quiz-check, quiz-reveal, quiz-feedback, quiz-verdict, quiz-<status>, quiz-score.

export const TRIES_BEFORE_REVEAL = 3;
export const MAX_NUMBER_LENGTH = 40;
export const EMPTY = "— choose —";
const ORDINALS = ["1st", "2nd", "3rd"];
const ordinal = (n) => ORDINALS[n - 1] || `${n}th`;
export const VERDICTS = {
  correct: ["✓", "Right."], partial: ["◐", "Partly right."], wrong: ["✗", "Not right yet."],
  invalid: ["!", "Not checked yet."], revealed: ["→", "The answer."],
};
const HOW = { multiple: "Tick every answer that is right.", ordering: "Choose what comes 1st, 2nd, 3rd, …" };

// ----- marking: a response in, {status, score, message} out ------------------------------------------
const result = (status, score, ...parts) => ({ status, score, message: parts.filter(Boolean).join(" ") });
const invalid = (message) => result("invalid", 0, message);

export function whereToLook(q) {
  const places = [...(q.paragraphs || [])].sort((a, b) => a - b).map((n) => `¶${n}`);
  const cited = places.length > 1 ? `${places.slice(0, -1).join(", ")} and ${places.at(-1)}` : places.join("");
  const where = [cited, q.look_at].filter(Boolean).join(" and at ");
  return where ? `Look again at ${where}.` : "";
}

const notRight = (q, status, score, ...parts) => result(status, score, ...parts, whereToLook(q));
const right = (q) => result("correct", 1, q.explanation);

export function answerText(q) {
  if (q.type === "single" || q.type === "multiple") return q.options.filter((o) => o.correct).map((o) => o.text).join("; ");
  if (q.type === "truefalse") return q.answer ? "True" : "False";
  if (q.type === "numeric") {
    const value = `${formatNumber(q.answer)}${q.unit ? ` ${q.unit}` : ""}`;
    return q.tolerance ? `${value} (answers within ±${formatNumber(q.tolerance)} count)` : value;
  }
  if (q.type === "ordering") return q.items.join(" → ");
  return q.pairs.map((p) => `${p.left} → ${p.right}`).join("; ");
}

const formatNumber = (x) => (Number.isInteger(x) ? String(x) : String(+x.toPrecision(6)));
const DIGIT_ZEROS = [0x30, 0x660, 0x6f0, 0x966, 0x9e6, 0xff10];  // ASCII, Arabic-Indic, Persian, Devanagari, ...

function asciiDigits(text) {
  return [...text].map((ch) => {
    const code = ch.codePointAt(0);
    const zero = DIGIT_ZEROS.find((z) => code >= z && code <= z + 9);
    return zero === undefined ? ch : String(code - zero);
  }).join("");
}

export function parseNumber(text, unit) {
  if (typeof text === "number") text = String(text);
  if (typeof text !== "string" || !text.trim()) return { problem: "Type a number in the box first, then press Check." };
  let cleaned = asciiDigits(text.trim().replace(/\u2212/g, "-"));
  if (cleaned.length > MAX_NUMBER_LENGTH) {
    return { problem: `That is too long to be a number (at most ${MAX_NUMBER_LENGTH} characters). Type just the digits.` };
  }
  if (unit && cleaned.toLowerCase().endsWith(unit.toLowerCase())) cleaned = cleaned.slice(0, -unit.length).trim();
  if (cleaned.includes(",")) {
    return { problem: "Please type the number without commas: for example 1000 rather than 1,000, and a dot for decimals (2.5)." };
  }
  if (!/^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/.test(cleaned)) {
    return { problem: `'${text.trim().slice(0, 20)}' is not a number we can read. Use digits 0-9, with a dot for decimals (for example 12 or 2.5).` };
  }
  const value = Number(cleaned);
  if (!Number.isFinite(value)) return { problem: "That number is too large. Type an ordinary number." };
  return { value };
}

const MARKERS = {
  single(q, response) {
    if (response === null || response === undefined || response === "") return invalid("Choose one of the options first, then press Check.");
    const option = q.options.find((o) => o.text === response);
    if (!option) return invalid("That choice is not one of this question's options. Pick one from the list.");
    return option.correct ? right(q) : notRight(q, "wrong", 0, option.explanation);
  },
  truefalse(q, response) {
    if (typeof response === "string") {
      const word = response.trim().toLowerCase();
      response = word === "true" ? true : word === "false" ? false : response;
    }
    if (response === null || response === undefined || response === "") return invalid("Choose True or False first, then press Check.");
    if (typeof response !== "boolean") return invalid("The answer to this question is either True or False.");
    return response === q.answer ? right(q) : notRight(q, "wrong", 0, q.if_wrong);
  },
  multiple(q, response) {
    const chosen = new Set(Array.isArray(response) ? response : []);
    if (!chosen.size) return invalid("Tick at least one box first, then press Check.");
    const texts = new Set(q.options.map((o) => o.text));
    if ([...chosen].some((t) => !texts.has(t))) return invalid("Some ticked choices are not options of this question. Tick from the list.");
    const rightOnes = new Set(q.options.filter((o) => o.correct).map((o) => o.text));
    const found = [...chosen].filter((t) => rightOnes.has(t)).length;
    const wrong = q.options.filter((o) => chosen.has(o.text) && !o.correct);
    if (!wrong.length && found === rightOnes.size) return right(q);
    const score = Math.max(0, (found - wrong.length) / rightOnes.size);
    const parts = [`You found ${found} of the ${rightOnes.size} right choices.`];
    if (wrong.length) parts.push(`${wrong.length} of your ticks ${wrong.length === 1 ? "is" : "are"} not right.`);
    parts.push(...wrong.map((o) => o.explanation));
    return notRight(q, score > 0 ? "partial" : "wrong", score, ...parts);
  },
  numeric(q, response) {
    const { value, problem } = parseNumber(response, q.unit);
    if (problem) return invalid(problem);
    const tolerance = (q.tolerance || 0) + 1e-9 * Math.max(1, Math.abs(q.answer));
    if (Math.abs(value - q.answer) <= tolerance) return right(q);
    return notRight(q, "wrong", 0, `${formatNumber(value)} is ${value > q.answer ? "too high" : "too low"}.`, q.if_wrong);
  },
  ordering(q, response) {
    const placed = Array.isArray(response) ? response : [];
    const n = q.items.length;
    if (placed.length !== n) return invalid(`Put an item in each of the ${n} positions.`);
    const empty = placed.filter((p) => p === null || p === undefined || p === "").length;
    if (empty) return invalid(`Choose an item for every position (${empty} still empty).`);
    const repeated = [...new Set(placed.filter((p, i) => placed.indexOf(p) !== i))].sort();
    if (repeated.length) {
      return invalid(`Each item goes in exactly one position, but ${repeated.map((p) => `'${p}'`).join(", ")} is used more than once.`);
    }
    if (placed.some((p) => !q.items.includes(p))) return invalid("Some positions hold something that is not one of the items. Pick from the lists.");
    const inPlace = placed.filter((p, i) => p === q.items[i]).length;
    if (inPlace === n) return right(q);
    return notRight(q, inPlace ? "partial" : "wrong", inPlace / n, `${inPlace} of ${n} items are in the right position.`);
  },
  matching(q, response) {
    const chosen = response && typeof response === "object" && !Array.isArray(response) ? response : {};
    const empty = q.pairs.filter((p) => [null, undefined, ""].includes(chosen[p.left])).length;
    if (empty) return invalid(`Make a choice for every line (${empty} still empty).`);
    const choices = rightChoices(q);
    if (q.pairs.some((p) => !choices.includes(chosen[p.left]))) return invalid("Some choices are not on this question's list. Pick from the lists.");
    const matched = q.pairs.filter((p) => chosen[p.left] === p.right).length;
    if (matched === q.pairs.length) return right(q);
    return notRight(q, matched ? "partial" : "wrong", matched / q.pairs.length, `${matched} of ${q.pairs.length} matches are right.`);
  },
};

export const rightChoices = (q) => [...new Set([...q.pairs.map((p) => p.right), ...(q.distractors || [])])];

export function mark(q, response) {
  const marker = MARKERS[q.type];
  return marker ? marker(q, response) : invalid(`This question has a type the quiz does not know (${q.type}).`);
}

// ----- showing a quiz -----------------------------------------------------------------------------------
let made = 0;
const uid = (what) => `tpq-${what}-${++made}-${Math.random().toString(36).slice(2, 7)}`;

function element(tag, attributes = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value === false || value === null || value === undefined) continue;
    if (name === "class") node.className = value;
    else if (name === "text") node.textContent = value;
    else node.setAttribute(name, value === true ? "" : value);
  }
  node.append(...children.filter((c) => c !== null && c !== undefined));
  return node;
}

function labelled(control, text, attributes = {}) {
  return element("label", { class: "quiz-choice", ...attributes }, control, element("span", { text }));
}

function dropdown(choices, label) {
  const select = element("select", { "aria-label": label });
  select.append(element("option", { value: "", text: EMPTY }), ...choices.map((c) => element("option", { value: c, text: c })));
  return select;
}

// The controls of one question type: build() makes them, read() gives the response, show() puts one back.
const CONTROLS = {
  single: choiceControls("radio"),
  truefalse: choiceControls("radio", true),
  multiple: choiceControls("checkbox"),
  numeric: {
    build(q, box) {
      this.input = element("input", { type: "text", inputmode: "decimal", autocomplete: "off", placeholder: "type a number" });
      box.append(element("label", { class: "quiz-choice quiz-number" }, element("span", { text: "Your answer:" }), this.input,
        q.unit ? element("span", { class: "quiz-unit", text: q.unit }) : null));
    },
    read() { return this.input.value; },
    show(_q, response) { this.input.value = response === null || response === undefined ? "" : String(response); },
  },
  ordering: {
    build(q, box) {
      this.selects = q.items.map((_, i) => dropdown(q.order.items, `${ordinal(i + 1)} place`));
      box.append(...this.selects.map((s, i) => element("label", { class: "quiz-choice quiz-slot" },
        element("span", { text: `${ordinal(i + 1)}:` }), s)));
    },
    read() { return this.selects.map((s) => s.value || null); },
    show(q, response) {
      this.selects.forEach((s, i) => { const v = (response || [])[i]; s.value = q.items.includes(v) ? v : ""; });
    },
  },
  matching: {
    build(q, box) {
      this.selects = new Map();
      const list = element("ol", { class: "quiz-pairs" });
      for (const left of q.order.lefts) {
        const select = dropdown(q.order.rights, `Match for: ${left}`);
        this.selects.set(left, select);
        list.append(element("li", {}, element("label", { class: "quiz-choice quiz-pair" }, element("span", { text: left }), select)));
      }
      box.append(list);
    },
    read() { return Object.fromEntries([...this.selects].map(([left, s]) => [left, s.value || null])); },
    show(q, response) {
      const choices = rightChoices(q);
      for (const [left, s] of this.selects) { const v = (response || {})[left]; s.value = choices.includes(v) ? v : ""; }
    },
  },
};

function choiceControls(kind, trueFalse = false) {
  return {
    build(q, box) {
      const name = uid("choice");
      const texts = trueFalse ? ["True", "False"] : q.order.options;
      this.inputs = texts.map((text) => element("input", { type: kind, name, value: text }));
      box.append(...this.inputs.map((input, i) => labelled(input, texts[i])));
    },
    read() {
      const ticked = this.inputs.filter((i) => i.checked).map((i) => i.value);
      if (kind === "checkbox") return ticked.sort();
      if (!ticked.length) return null;
      return trueFalse ? ticked[0] === "True" : ticked[0];
    },
    show(_q, response) {
      const wanted = trueFalse ? ({ true: "True", false: "False" })[response] : response;
      for (const input of this.inputs) {
        input.checked = kind === "checkbox" ? (Array.isArray(response) && response.includes(input.value)) : input.value === wanted;
      }
    },
  };
}

const same = (a, b) => JSON.stringify(a) === JSON.stringify(b);
const plural = (n, one, many) => `${n} ${n === 1 ? one : many}`;

class QuestionView {
  constructor(q, number, total, host) {
    Object.assign(this, { q, host, tries: 0, status: null, revealed: false, lastChecked: undefined });
    this.controls = Object.create(CONTROLS[q.type]);
    const promptId = uid("prompt");
    const refs = (q.paragraphs || []).map((p) => `¶${p}`).join(", ");
    const fieldset = element("fieldset", { class: "quiz-controls", "aria-labelledby": promptId });
    this.controls.build(q, fieldset);
    this.check = element("button", { type: "submit", class: "quiz-check", text: "Check" });
    this.reveal = element("button", { type: "button", class: "quiz-reveal", text: "Show answer", disabled: true,
      title: `Available after ${TRIES_BEFORE_REVEAL} tries` });
    this.feedback = element("div", { class: "quiz-feedback", role: "status", "aria-live": "polite" });
    this.form = element("form", { class: `quiz-question quiz-type-${q.type}`, "aria-labelledby": promptId, novalidate: true },
      element("p", { class: "quiz-prompt", id: promptId },
        element("span", { class: "quiz-number", text: `Question ${number} of ${total}` }),
        element("strong", { text: q.prompt }),
        refs ? element("span", { class: "quiz-refs", text: ` (${refs})` }) : null,
        HOW[q.type] ? element("em", { class: "quiz-how", text: HOW[q.type] }) : null),
      fieldset,
      element("div", { class: "quiz-buttons" }, this.check, this.reveal),
      this.feedback);
    this.form.addEventListener("submit", (event) => { event.preventDefault(); this.onCheck(); });
    this.reveal.addEventListener("click", () => this.onReveal());
  }

  restore(saved) {
    if (!saved || typeof saved !== "object") return;
    this.tries = Number.isInteger(saved.tries) ? saved.tries : 0;
    this.status = ["correct", "partial", "wrong"].includes(saved.status) ? saved.status : null;
    this.revealed = saved.revealed === true;
    this.lastChecked = saved.response;
    this.controls.show(this.q, saved.response);
    this.updateReveal();
    if (!this.status && !this.revealed) return;
    let message = `Your saved answer is shown (after ${plural(this.tries, "try", "tries")}).`;
    if (this.status === "correct") message += ` ${this.q.explanation}`;
    else if (this.revealed) message += ` The answer: ${answerText(this.q)}.`;
    this.say(this.status === "correct" || !this.revealed ? this.status || "wrong" : "revealed", message);
  }

  onCheck() {
    const response = this.controls.read();
    if (this.status !== null && same(response, this.lastChecked)) {
      this.say(this.status, "You already checked this answer. Change it, then press Check again.");
      return;
    }
    const marked = mark(this.q, response);
    if (marked.status === "invalid") { this.say("invalid", marked.message); return; }
    this.lastChecked = response;
    this.tries += 1;
    this.status = marked.status;
    let message = marked.message;
    if (marked.status !== "correct") {
      const hints = this.q.hints || [];
      const hint = hints.length ? hints[Math.min(this.tries, hints.length) - 1] : null;
      message += `${hint ? ` Hint: ${hint}` : ""} Try again.`;
      if (this.tries >= TRIES_BEFORE_REVEAL && !this.revealed) message += " You can also press Show answer.";
    }
    this.updateReveal();
    this.say(marked.status, message);
    this.save(response, marked.status, marked.score, true);
  }

  onReveal() {
    if (this.tries < TRIES_BEFORE_REVEAL || this.revealed || this.status === "correct") return;
    this.revealed = true;
    this.updateReveal();
    this.say("revealed", `The answer: ${answerText(this.q)}. ${this.q.explanation}`);
    this.save(this.lastChecked ?? null, this.status || "wrong", 0, false);
  }

  save(response, status, score, attempt) {
    this.host.save({ id: this.q.id, response, status, score, tries: this.tries, revealed: this.revealed, attempt });
  }

  updateReveal() {
    this.reveal.disabled = this.tries < TRIES_BEFORE_REVEAL || this.revealed || this.status === "correct";
  }

  say(status, message) {
    const [icon, words] = VERDICTS[status];
    this.form.dataset.status = status;
    this.feedback.className = `quiz-feedback quiz-${status}`;
    this.feedback.replaceChildren(element("p", { class: "quiz-feedback-text" },
      element("strong", { class: "quiz-verdict" }, element("span", { "aria-hidden": "true", text: `${icon} ` }), words),
      ` ${message}`));
  }

  problem(message) {
    this.feedback.append(element("p", { class: "quiz-save-problem", text: message }));
  }
}

export function renderQuiz(el, data, saved, save) {
  const questions = data.questions || [];
  const root = element("section", { class: "quiz", "data-lm-suppress-shortcuts": "true", "aria-label": data.heading });
  const score = element("p", { class: "quiz-score", "aria-live": "polite" });
  const host = { save: (entry) => { save(entry); update(); } };
  const views = questions.map((q, i) => new QuestionView(q, i + 1, questions.length, host));
  function update() {
    const rightCount = views.filter((v) => v.status === "correct").length;
    const tried = views.filter((v) => v.status && v.status !== "correct").length;
    score.replaceChildren(element("strong", { text: `Score: ${rightCount} of ${views.length} correct` }),
      ` · ${tried} tried, not yet right · ${views.length - rightCount - tried} not tried yet`);
  }
  views.forEach((v) => v.restore((saved || {})[v.q.id]));
  update();
  root.append(element("h4", { class: "quiz-heading", text: data.heading }), ...views.map((v) => v.form), score);
  // keys typed in the quiz are the quiz's: JupyterLab's notebook shortcuts (arrows, Enter, Space) stay out
  root.addEventListener("keydown", (event) => event.stopPropagation());
  el.replaceChildren(root);
  return { views, root, problem: (id, message) => views.find((v) => v.q.id === id)?.problem(message) };
}

// ----- in JupyterLab, through anywidget: the kernel saves ----------------------------------------------
function render({ model, el }) {
  const data = model.get("quiz");
  const shown = renderQuiz(el, data, model.get("saved"), (entry) => model.send({ event: "answer", lesson: data.lesson, ...entry }));
  const onMessage = (message) => { if (message && message.event === "problem") shown.problem(message.id, message.message); };
  model.on("msg:custom", onMessage);
  return () => model.off("msg:custom", onMessage);
}

export default { render };

// ----- on the static site: the browser's local storage saves, and an export writes the progress file -------
export const STORAGE_KEY = "between-two-powers-progress";
const FORMAT = "between-two-powers-progress";
const nowIso = () => new Date().toISOString().replace(/\.\d{3}Z$/, "+00:00");

export function loadRecord(storage) {
  let record = null;
  try { record = JSON.parse(storage.getItem(STORAGE_KEY)); } catch { record = null; }
  if (!record || record.format !== FORMAT || typeof record.answers !== "object") {
    const id = Array.from(crypto.getRandomValues(new Uint8Array(6)), (b) => b.toString(16).padStart(2, "0")).join("");
    record = { format: FORMAT, version: 1, learner: { id, created: nowIso() }, answers: {}, texts: {}, choices: {}, predictions: {} };
  }
  return record;
}

export function recordAnswer(record, lesson, entry) {
  const answers = (record.answers[lesson] = record.answers[lesson] || {});
  const kept = answers[entry.id] || { attempts: [] };
  const time = nowIso();
  Object.assign(kept, { response: entry.response, status: entry.status, score: entry.score, tries: entry.tries,
    revealed: entry.revealed, time });
  if (entry.attempt) kept.attempts = [...(kept.attempts || []), { response: entry.response, status: entry.status, time }].slice(-50);
  answers[entry.id] = kept;
  return record;
}

export function exportRecord(record, course, name) {
  const learner = { ...record.learner, ...(name ? { name } : {}) };
  const summary = Object.entries(course).map(([lesson, { title, questions }]) => {
    const given = questions.map((id) => (record.answers[lesson] || {})[id]).filter(Boolean);
    const correct = given.filter((a) => a.status === "correct").length;
    return { lesson, title, questions: questions.length, answered: given.length, correct,
      revealed: given.filter((a) => a.revealed && a.status !== "correct").length, left: questions.length - given.length };
  });
  return { ...record, learner, exported: nowIso(), summary };
}

export function fileName(record, name) {
  const who = (name || record.learner.name || record.learner.id).toLowerCase();
  return `my-progress-${who.replace(/[^\p{L}\p{N}_-]/gu, "-").replace(/^-+|-+$/g, "") || "learner"}.json`;
}

export function mountSite(doc = document, storage = window.localStorage) {
  const read = (selector) => JSON.parse(doc.querySelector(selector)?.textContent || "null");
  const course = read("#quiz-course") || {};
  const store = (change) => {
    const record = loadRecord(storage);
    change(record);
    try { storage.setItem(STORAGE_KEY, JSON.stringify(record)); return null; } catch (err) {
      return `This browser would not keep your answer (${err.name}). Export your answers now so that nothing is lost.`;
    }
  };
  for (const holder of doc.querySelectorAll("[data-quiz]")) {
    const data = JSON.parse(doc.getElementById(holder.dataset.quiz).textContent);
    const saved = loadRecord(storage).answers[data.lesson] || {};
    const shown = renderQuiz(holder, data, saved, (entry) => {
      const problem = store((record) => recordAnswer(record, data.lesson, entry));
      if (problem) shown.problem(entry.id, problem);
    });
  }
  for (const form of doc.querySelectorAll("form.quiz-export")) {
    const input = form.querySelector("input");
    const said = form.querySelector(".quiz-export-status");
    input.value = loadRecord(storage).learner.name || "";
    form.addEventListener("submit", (event) => {
      event.preventDefault();
      const name = input.value.trim();
      if (!name) { said.textContent = "Type your name first, so that your teacher knows whose answers these are."; input.focus(); return; }
      store((record) => { record.learner.name = name; });
      const record = loadRecord(storage);
      const blob = new Blob([JSON.stringify(exportRecord(record, course, name), null, 1)], { type: "application/json" });
      const link = element("a", { href: URL.createObjectURL(blob), download: fileName(record, name) });
      doc.body.append(link);
      link.click();
      link.remove();
      said.textContent = `Saved ${fileName(record, name)} to your downloads: hand in this file.`;
    });
  }
}
