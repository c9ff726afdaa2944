// The portal's only script besides htmx: upload progress and a message when a request fails.
// No inline scripts or handlers anywhere, so a Content-Security-Policy of script-src 'self' holds.
"use strict";

document.addEventListener("htmx:xhr:progress", (event) => {
  const bar = event.target.closest("[data-upload-progress]")?.querySelector("progress.sending");
  if (bar && event.detail.lengthComputable) {
    bar.hidden = false;
    bar.value = Math.round((100 * event.detail.loaded) / event.detail.total);
  }
});

function alertText(text) {
  const alert = document.getElementById("portal-alert");
  if (alert) {
    alert.textContent = text;
    alert.hidden = !text;
  }
}

document.addEventListener("htmx:beforeRequest", () => alertText(""));

document.addEventListener("htmx:responseError", (event) => {
  const status = event.detail.xhr.status;
  const why = {
    403: "You may not do this.",
    404: "It was not found: it may have been deleted.",
    413: "The file is larger than the upload limit.",
  }[status];
  alertText(why || `Something went wrong on our side (HTTP ${status}); try again.`);
});

document.addEventListener("htmx:sendError", () => alertText("The server could not be reached; check your connection."));

// A copy button beside a value shown once (a webhook's secret). Without script the button stays hidden and the
// value is plain selectable text.
for (const button of document.querySelectorAll("button[data-copy]")) {
  button.hidden = false;
  button.addEventListener("click", async () => {
    const field = document.getElementById(button.dataset.copy);
    const done = button.parentElement.querySelector(".copy-done");
    try {
      await navigator.clipboard.writeText(field.value);
      done.textContent = "Copied.";
    } catch {
      field.select();
      done.textContent = "Select the text and copy it (Ctrl+C).";
    }
  });
}

// A form marked data-drop-empty leaves its empty fields out of the URL htmx asks for and pushes (?interval=day,
// not ?interval=day&start=&end=): the server reads a missing field and an empty one alike.
document.addEventListener("htmx:configRequest", (event) => {
  if (event.detail.verb !== "get" || !event.detail.elt.closest?.("form[data-drop-empty]")) {
    return;
  }
  const form = event.detail.formData;
  for (const name of new Set(form.keys())) {
    if (form.getAll(name).every((value) => value === "")) {
      form.delete(name);
    }
  }
});
