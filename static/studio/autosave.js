// Autosave of the scene panel's title and text, and of its ending and "Start of the story": nothing is lost.
// - The ending and start are saved as soon as they are picked (each save sends them with the text);
// - the text 1 s after the last keystroke, when a field loses the focus, and when the page is left (a keepalive
//   request); before the panel is replaced by another htmx request (another scene, a choice added, Close),
//   the pending text is saved first, and the request waits for it.
// - Each save names the version it started from; the server refuses a save over a newer one (409) and
//   sends the other version: both are shown, the author keeps theirs or the other. Never a silent loss.
// - The status beside the fields says Saving… / Saved / Not saved (the reason, and Retry when retrying can help).

import { format, gettext, ngettext } from "./i18n.js";

const DELAY_MS = 1000;
const FIELDS = ["title", "text"];
const CONTROLS = ["ending", "is_start_scene"];  // sent with every save, as the form would post them
let timer = null;
let dirty = false;
let saving = null;   // the save in flight (a promise of true: saved, false: not saved)
let blocked = false; // a refusal or a conflict: the author must act before leaving the scene

const form = () => document.getElementById("scene-form");
const csrfToken = () => JSON.parse(document.body.getAttribute("hx-headers"))["X-CSRFToken"];

const fieldValues = (scene) => Object.fromEntries(FIELDS.map((name) => [name, scene.elements[name].value]));
function controlValues(scene) {
  const values = {};
  for (const name of CONTROLS) {
    const control = scene.elements[name];
    if (control) values[name] = control.type === "checkbox" ? (control.checked ? "on" : "") : control.value;
  }
  return values;
}
const theirControls = (theirs) => ({ ending: theirs.ending, is_start_scene: theirs.is_start_scene ? "on" : "" });
const sameValues = (one, other) => Object.keys(one).every((name) => one[name] === other[name]);

function setStatus(text, { error = false, retry = false } = {}) {
  const status = document.getElementById("autosave-status");
  if (!status) return;
  status.textContent = text;
  status.classList.toggle("error", error);
  const button = document.getElementById("autosave-retry");
  if (button) button.hidden = !retry;
}

function showFieldError(name, message) {
  const input = form()?.elements[name];
  if (!input) return;
  const id = `${input.id}_error`;
  let note = document.getElementById(id);
  if (message) {
    if (!note) {
      note = document.createElement("span");
      note.id = id;
      note.className = "error";
      note.setAttribute("role", "alert");
      input.closest(".field").append(note);
    }
    note.textContent = message;
    input.setAttribute("aria-invalid", "true");
    const described = new Set((input.getAttribute("aria-describedby") || "").split(" ").filter(Boolean));
    described.add(id);
    input.setAttribute("aria-describedby", [...described].join(" "));
    input.closest(".field").classList.add("invalid");
  } else {
    note?.remove();
    input.removeAttribute("aria-invalid");
    const described = (input.getAttribute("aria-describedby") || "").split(" ").filter((each) => each && each !== id);
    if (described.length) input.setAttribute("aria-describedby", described.join(" "));
    else input.removeAttribute("aria-describedby");
    input.closest(".field")?.classList.remove("invalid");
  }
}

// The text not yet saved is also kept in this tab's sessionStorage, with the version it started from: a save sent
// as the page closes can land after the reloaded page has fetched the old text, and the reloaded page must not
// show (or later save) that stale text. On load, reconcileDraft() puts the draft back and saves it.
const draftKey = (scene) => `studio-draft:${scene.dataset.sceneId}`;
function keepDraft() {
  const scene = form();
  if (!scene) return;
  const draft = fieldValues(scene);
  try {
    sessionStorage.setItem(draftKey(scene), JSON.stringify({ ...draft, version: scene.elements.version.value }));
  } catch (error) {
    console.warn("autosave: the draft could not be kept in sessionStorage", error);
  }
}
function dropDraft(scene, values) {
  const draft = readDraft(scene);
  if (draft && FIELDS.every((name) => draft[name] === values[name])) sessionStorage.removeItem(draftKey(scene));
}
function readDraft(scene) {
  try { return JSON.parse(sessionStorage.getItem(draftKey(scene)) || "null"); } catch { return null; }
}
function reconcileDraft() {
  const scene = form();
  if (!scene || scene.dataset.draftChecked) return;
  scene.dataset.draftChecked = "true";
  const draft = readDraft(scene);
  if (!draft) return;
  if (FIELDS.every((name) => scene.elements[name].value === draft[name])) {  // the late save has landed
    sessionStorage.removeItem(draftKey(scene));
    return;
  }
  // The draft from the version it started from: saved over the same version it goes in; over a newer one
  // (another tab, or the late save itself) the conflict shows both, unless they are the same text.
  for (const name of FIELDS) scene.elements[name].value = draft[name];
  scene.elements.version.value = draft.version;
  dirty = true;
  blocked = false;
  scene.dataset.restored = "true";
  save();
}

function schedule() {
  dirty = true;
  keepDraft();
  blocked = false;
  clearTimeout(timer);
  setStatus(gettext("Not saved yet…"));
  timer = setTimeout(() => save(), DELAY_MS);
}

// Replace the text by what the server stored (its [[links]] became choices), keeping the caret near where it was.
function replaceText(input, stored) {
  const fromEnd = input.value.length - (input.selectionEnd ?? input.value.length);
  input.value = stored;
  if (document.activeElement === input) {
    const at = Math.max(0, stored.length - fromEnd);
    input.setSelectionRange(at, at);
  }
}

function showConflict(theirs) {
  const box = document.getElementById("autosave-conflict");
  if (!box) return;
  box.querySelector("[data-theirs=title]").textContent = theirs.title;
  box.querySelector("[data-theirs=text]").textContent = theirs.text;
  box.dataset.version = theirs.version;
  box.dataset.title = theirs.title;
  box.dataset.text = theirs.text;
  box.dataset.ending = theirs.ending;
  box.dataset.start = String(theirs.is_start_scene);
  box.hidden = false;
}

async function send({ keepalive = false } = {}) {
  const scene = form();
  const values = fieldValues(scene);
  const controls = controlValues(scene);
  const body = new URLSearchParams({ ...values, ...controls, version: scene.elements.version.value });
  dirty = false;
  setStatus(gettext("Saving…"));
  let response;
  try {
    response = await fetch(scene.dataset.autosaveUrl, {
      method: "POST", body, keepalive, credentials: "same-origin",
      headers: { "X-CSRFToken": csrfToken(), Accept: "application/json" },
    });
  } catch (error) {
    dirty = true;
    setStatus(gettext("Not saved: the server could not be reached. Your text is still here."), { error: true, retry: true });
    return false;
  }
  if (!scene.isConnected) return response.ok;
  let answer = {};
  try { answer = await response.json(); } catch (error) { answer = {}; }
  if (response.ok) {
    dropDraft(scene, values);
    scene.elements.version.value = answer.version;
    showFieldError("title", "");
    const text = scene.elements.text;
    if (answer.text !== values.text && text.value === values.text) replaceText(text, answer.text);
    if (answer.title && scene.elements.title.value.trim() === answer.title) {
      document.getElementById("scene-title").textContent = answer.title;
    }
    document.getElementById("autosave-conflict").hidden = true;
    setStatus(answer.links
      ? format(ngettext("Saved: %(count)s choice added from the text.", "Saved: %(count)s choices added from the text.", answer.links), { count: answer.links })
      : gettext("Saved."));
    document.body.dispatchEvent(new CustomEvent("story-changed", { detail: { scenes: answer.scenes } }));
    document.body.dispatchEvent(new CustomEvent("story-edited"));
    if (answer.links) refreshChoices();
    return true;
  }
  dirty = true;
  blocked = true;
  if (response.status === 409 && answer.theirs && sameValues(values, answer.theirs)
      && sameValues(controls, theirControls(answer.theirs))) {
    // The newer version is this very text (a save sent as the page closed, landed late): nothing to choose.
    dropDraft(scene, values);
    scene.elements.version.value = answer.theirs.version;
    dirty = !sameValues(values, fieldValues(scene)) || !sameValues(controls, controlValues(scene));
    blocked = false;
    setStatus(gettext("Saved."));
    return true;
  } else if (response.status === 409 && answer.theirs) {
    showConflict(answer.theirs);
    setStatus(gettext("Not saved: this scene was saved elsewhere meanwhile. Choose which version to keep, below."), { error: true });
  } else if (response.status === 422 && answer.fields) {
    for (const name of [...FIELDS, ...CONTROLS]) showFieldError(name, (answer.fields[name] || []).join(" "));
    setStatus(format(gettext("Not saved: %(reason)s"), { reason: answer.error }), { error: true });
  } else if (answer.retry === false) {
    setStatus(format(gettext("Not saved: %(reason)s"), { reason: answer.error }), { error: true });
  } else {
    blocked = false;
    setStatus(format(gettext("Not saved: the server answered %(status)s. Your text is still here."), { status: response.status }), { error: true, retry: true });
  }
  return false;
}

function refreshChoices() {
  const scene = form();
  if (scene && window.htmx) {
    window.htmx.ajax("GET", scene.getAttribute("action"), { target: "#choices", select: "#choices", swap: "outerHTML" });
  }
}

// One save at a time; a save asked for during another waits for it, then sends what is there by then.
async function save(options = {}) {
  clearTimeout(timer);
  if (saving) await saving;
  if (!dirty || !form()) return !blocked;
  saving = send(options);
  try { return await saving; } finally { saving = null; }
}

document.addEventListener("input", (event) => {
  if (event.target.form && event.target.form === form() && FIELDS.includes(event.target.name)) schedule();
});
// The ending and start are saved as soon as they are picked.
document.addEventListener("change", (event) => {
  if (event.target.form && event.target.form === form() && CONTROLS.includes(event.target.name)) {
    dirty = true;
    blocked = false;
    save();
  }
});
// (Not while a refusal or a conflict waits for the author: the same save would be refused again.)
document.addEventListener("focusout", (event) => {
  if (dirty && !blocked && event.target.form === form() && FIELDS.includes(event.target.name)) save();
});
document.addEventListener("click", (event) => {
  if (event.target.id === "autosave-retry") save();
  else if (event.target.id === "keep-mine") {
    const box = document.getElementById("autosave-conflict");
    form().elements.version.value = box.dataset.version;
    dirty = true;
    blocked = false;
    save().then((saved) => { if (saved) box.hidden = true; });
  } else if (event.target.id === "keep-theirs") {
    const box = document.getElementById("autosave-conflict");
    const scene = form();
    scene.elements.title.value = box.dataset.title;
    scene.elements.text.value = box.dataset.text;
    scene.elements.version.value = box.dataset.version;
    if (scene.elements.ending) scene.elements.ending.value = box.dataset.ending;
    if (scene.elements.is_start_scene) scene.elements.is_start_scene.checked = box.dataset.start === "true";
    box.hidden = true;
    dirty = false;
    blocked = false;
    setStatus(gettext("The other version is kept."));
  }
});

// Before htmx replaces the panel (or part of it), the pending text is saved; a refused save keeps the panel.
document.addEventListener("htmx:confirm", (event) => {
  const scene = form();
  if (!scene || !(dirty || saving)) return;
  const target = event.detail.target;
  const replacesPanel = target && (target.id === "panel" || target.contains(scene) || scene.contains(target));
  if (!replacesPanel) return;
  event.preventDefault();
  if (event.detail.elt === scene) {  // the form's own submit carries the text: only wait for the version
    clearTimeout(timer);
    dirty = false;
    Promise.resolve(saving).then(() => event.detail.issueRequest(true));
    return;
  }
  save().then((saved) => {
    if (saved) event.detail.issueRequest(true);
    else document.getElementById("autosave-status")?.focus();
  });
});

// A new panel (another scene) starts clean, but for a draft kept from a page closed before its save landed.
document.addEventListener("htmx:afterSwap", (event) => {
  if (event.detail.target?.id === "panel" || event.detail.target?.id === "scene-form") {
    clearTimeout(timer);
    dirty = false;
    blocked = false;
    reconcileDraft();
  }
});
reconcileDraft();

// Leaving the page: whatever is not saved yet goes in a request that outlives the page.
function flushOnLeave() {
  if (!dirty || !form()) return;
  keepDraft();
  save({ keepalive: true });
}
window.addEventListener("pagehide", flushOnLeave);
document.addEventListener("visibilitychange", () => { if (document.visibilityState === "hidden") flushOnLeave(); });
