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
