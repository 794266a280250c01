// Small progressive enhancement; every page works without it.
// A form or button with data-confirm="question" asks before it submits.
document.addEventListener("submit", (event) => {
  const form = event.target;
  const button = event.submitter;
  const question = (button && button.dataset.confirm) || form.dataset.confirm;
  if (question && !window.confirm(question)) {
    event.preventDefault();
  }
});

// A link with data-go-back returns to the page before (its href is where it goes without
// script). A handler here, not a javascript: URL, which the Content-Security-Policy refuses.
document.addEventListener("click", (event) => {
  const link = event.target instanceof Element && event.target.closest("a[data-go-back]");
  if (link && window.history.length > 1) {
    event.preventDefault();
    window.history.back();
  }
});

// A field with data-select-on-focus (a secret shown once) selects all of itself when focused,
// so one copy takes the whole value.
document.addEventListener("focusin", (event) => {
  const field = event.target;
  if (field instanceof HTMLInputElement && "selectOnFocus" in field.dataset) {
    field.select();
  }
});
