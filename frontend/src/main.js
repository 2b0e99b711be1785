// The platform's one script bundle: htmx for server-rendered interactions, Bootstrap's components.
import htmx from "htmx.org";
import * as bootstrap from "bootstrap";

window.htmx = htmx;
window.bootstrap = bootstrap;

// Send Django's CSRF token with every htmx request.
document.addEventListener("htmx:configRequest", (event) => {
  const match = document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/);
  if (match) event.detail.headers["X-CSRFToken"] = decodeURIComponent(match[1]);
});

// <button data-copy-target="#id"> copies the text of #id (e.g. an API token shown once).
document.addEventListener("click", async (event) => {
  const button = event.target.closest("[data-copy-target]");
  if (!button) return;
  const source = document.querySelector(button.dataset.copyTarget);
  if (!source) return;
  const text = (source.value ?? source.textContent).trim();
  try {
    await navigator.clipboard.writeText(text);
  } catch {
    const range = document.createRange();
    range.selectNodeContents(source);
    const selection = window.getSelection();
    selection.removeAllRanges();
    selection.addRange(range);
    document.execCommand("copy");
  }
  const done = button.dataset.copiedLabel;
  if (done) {
    const original = button.innerHTML;
    button.textContent = done;
    setTimeout(() => { button.innerHTML = original; }, 2000);
  }
});

// <form data-confirm="…"> (or its submit button <button data-confirm="…">) asks before submitting
// (deactivate an account, revoke a token, hand an application in).
document.addEventListener("submit", (event) => {
  const message = event.submitter?.dataset?.confirm ?? event.target.dataset?.confirm;
  if (message && !window.confirm(message)) event.preventDefault();
});

// <form data-warn-unsaved="…">: once something is typed, leaving the page without submitting the
// form asks first (the browser shows its own wording), and an element [data-dirty-text] inside
// the form changes to that text. Submitting the form (saving, or saving and handing in) clears it.
const dirtyForms = new Set();
function markDirty(event) {
  const target = event.target;
  const form = target instanceof HTMLFormElement ? target : (target.form ?? target.closest?.("form"));
  if (!form || !("warnUnsaved" in form.dataset) || dirtyForms.has(form)) return;
  dirtyForms.add(form);
  form.querySelectorAll("[data-dirty-text]").forEach((note) => {
    note.textContent = note.dataset.dirtyText;
    note.classList.add("text-warning-emphasis", "fw-semibold");
  });
}
// A form shown again after a refused save (data-unsaved) holds typed edits that are not saved yet.
document.addEventListener("DOMContentLoaded", () => {
  document.querySelectorAll("form[data-warn-unsaved][data-unsaved]").forEach((form) => {
    markDirty({ target: form });
  });
});
document.addEventListener("input", markDirty);
document.addEventListener("change", markDirty);
document.addEventListener("submit", (event) => {
  if (!event.defaultPrevented) dirtyForms.delete(event.target);
});
window.addEventListener("beforeunload", (event) => {
  if (dirtyForms.size === 0) return;
  event.preventDefault();
  event.returnValue = [...dirtyForms][0].dataset.warnUnsaved || "";
});

// Upload forms <form class="jg-upload" data-max-bytes="…" data-too-large="…{file}…{size}…">: a file
// over the slot's limit is refused in the browser before anything is sent (the server checks
// again), and the upload shows its progress in the form's <progress class="jg-upload-progress">.
function uploadCheck(form) {
  const input = form.querySelector("input[type=file]");
  const box = form.querySelector(".jg-upload-check");
  const limit = Number(form.dataset.maxBytes || 0);
  const file = input?.files?.[0];
  let message = "";
  if (file && limit && file.size > limit) {
    message = (form.dataset.tooLarge || "")
      .replace("{file}", file.name)
      .replace("{size}", (file.size / 1024 / 1024).toFixed(1));
  }
  if (box) {
    box.textContent = message;
    box.hidden = !message;
  }
  input?.classList.toggle("is-invalid", Boolean(message));
  return !message;
}
document.addEventListener("change", (event) => {
  const form = event.target.closest?.("form.jg-upload");
  if (form && event.target.type === "file") uploadCheck(form);
});
document.addEventListener("submit", (event) => {
  // without htmx (a plain post) the same check stops the form
  const form = event.target;
  if (form.matches?.("form.jg-upload") && !uploadCheck(form)) event.preventDefault();
});
document.addEventListener("htmx:beforeRequest", (event) => {
  const form = event.detail.elt;
  if (!form.matches?.("form.jg-upload")) return;
  if (!uploadCheck(form)) {
    event.preventDefault();
    return;
  }
  const bar = form.querySelector(".jg-upload-progress");
  if (bar) {
    bar.value = 0;
    bar.hidden = false;
  }
});
document.addEventListener("htmx:xhr:progress", (event) => {
  const form = event.detail.elt;
  const bar = form?.querySelector?.(".jg-upload-progress");
  if (!bar || !event.detail.lengthComputable) return;
  bar.value = Math.round((event.detail.loaded / event.detail.total) * 100);
});
document.addEventListener("htmx:afterRequest", (event) => {
  const bar = event.detail.elt?.querySelector?.(".jg-upload-progress");
  if (bar) bar.hidden = true;
});
