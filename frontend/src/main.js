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

// <form data-confirm="…"> asks before submitting (deactivate an account, revoke a token).
document.addEventListener("submit", (event) => {
  const message = event.target.dataset?.confirm;
  if (message && !window.confirm(message)) event.preventDefault();
});
