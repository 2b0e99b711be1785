// The running weighted total of the expert's score form: Σ score ÷ max × weight over the criteria
// (inputs with data-weight and data-max), shown in the element named by the form's data-score-total.
// A display only: the server computes the total again from what is submitted.
function update(form) {
  const out = document.querySelector(form.dataset.scoreTotal);
  if (!out) return;
  let total = 0;
  let complete = true;
  form.querySelectorAll("input[data-weight][data-max]").forEach((input) => {
    const score = Number.parseFloat(input.value);
    const max = Number.parseFloat(input.dataset.max);
    const weight = Number.parseFloat(input.dataset.weight);
    if (input.value === "" || Number.isNaN(score) || !(max > 0)) {
      complete = false;
      return;
    }
    total += (Math.min(Math.max(score, 0), max) / max) * weight;
  });
  out.textContent = total.toFixed(2);
  out.classList.toggle("text-body-secondary", !complete);
}

document.querySelectorAll("form[data-score-total]").forEach((form) => {
  form.addEventListener("input", () => update(form));
  update(form);
});
