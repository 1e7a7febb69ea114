// Live validation of a condition or effects field while the author types (scene panel): the story's own
// parser and declared state answer, through state/check/; the message sits under the field, tied to it
// (aria-invalid, aria-describedby), and clears when the text reads right. Saving still checks again.

const FIELDS = "input[name=condition_text], textarea[name=condition_text], input[name=effects_text], textarea[name=effects_text]";
const WAIT_MS = 400;
const timers = new WeakMap();
let counter = 0;

function csrfToken() {
  return JSON.parse(document.body.getAttribute("hx-headers") || "{}")["X-CSRFToken"];
}

function messageFor(field) {
  if (!field.id) field.id = `state-field-${++counter}`;
  let message = document.getElementById(`${field.id}-check`);
  if (!message) {
    message = document.createElement("span");
    message.id = `${field.id}-check`;
    message.className = "state-check";
    message.setAttribute("aria-live", "polite");
    field.insertAdjacentElement("afterend", message);
  }
  return message;
}

function show(field, problem) {
  const message = messageFor(field);
  message.textContent = problem;
  message.classList.toggle("error", Boolean(problem));
  if (problem) {
    field.setAttribute("aria-invalid", "true");
    const described = new Set((field.getAttribute("aria-describedby") || "").split(" ").filter(Boolean));
    described.add(message.id);
    field.setAttribute("aria-describedby", [...described].join(" "));
  } else {
    field.removeAttribute("aria-invalid");
  }
}

async function check(field) {
  const url = document.querySelector("[data-state-check-url]")?.dataset.stateCheckUrl;
  if (!url) return;
  const body = new URLSearchParams({field: field.name, text: field.value});
  try {
    const response = await fetch(url, {method: "POST", body, headers: {"X-CSRFToken": csrfToken()}});
    const answer = await response.json();
    if (!response.ok) throw new Error(`state check answered ${response.status}`);
    show(field, answer.ok ? "" : answer.message);
  } catch (error) {
    // The save checks again and says why; a failed live check only leaves the field as it was.
    console.error("state-check: could not check the field", field.name, error);
  }
}

document.addEventListener("input", (event) => {
  const field = event.target.closest && event.target.closest(FIELDS);
  if (!field) return;
  clearTimeout(timers.get(field));
  timers.set(field, setTimeout(() => check(field), WAIT_MS));
});
