// The checkout form's small helpers. Served as a file so the page needs no inline script
// (Content-Security-Policy: script-src 'self'). The form works without it; this only adds
// the barcode-scanner guard, the "other" drug field and the Print button.
"use strict";

document.addEventListener("DOMContentLoaded", () => {
  const form = document.getElementById("checkout");
  if (!form) return;
  guardScannerEnter(form, document.getElementById("mrn"));
  toggleOtherDrug(document.getElementById("blood_thinner"), document.getElementById("other-drug"), "other");
  toggleOtherDrug(document.getElementById("blood_thinner_held"), document.getElementById("held-names"), "some");
  printButton(form, document.getElementById("print-sheet"), document.getElementById("sheet-frame"));
});

// A barcode scanner types the MRN and presses Enter. That Enter moves on to the next field
// instead of submitting a half-filled form.
function guardScannerEnter(form, mrn) {
  if (!mrn) return;
  mrn.addEventListener("keydown", (event) => {
    if (event.key !== "Enter") return;
    event.preventDefault();
    const fields = Array.from(form.elements).filter(
      (el) => el.matches("input, select, button") && !el.disabled && el.type !== "hidden" && el.offsetParent !== null,
    );
    const next = fields[fields.indexOf(mrn) + 1];
    if (next) next.focus();
  });
}

// A typed-in field ("Other…" drug names, "Some of them…" held) shows only when its choice is picked.
function toggleOtherDrug(select, box, value) {
  if (!select || !box) return;
  const update = () => { box.hidden = select.value !== value; };
  select.addEventListener("change", update);
  update();
}

// Print: the same POST, into a hidden frame on this page; when the PDF has loaded, print it.
// If the answer is not a PDF (a problem in the form), submit normally so the problems show.
function printButton(form, button, frame) {
  if (!button || !frame) return;
  button.hidden = false;
  let pending = false;
  button.addEventListener("click", () => {
    pending = true;
    frame.dataset.state = "loading";
    form.target = frame.name;
    form.submit();
    form.removeAttribute("target");
  });
  frame.addEventListener("load", () => {
    if (!pending) return;
    pending = false;
    let doc = null;
    try { doc = frame.contentDocument; } catch (e) { doc = null; }
    if (doc && doc.contentType === "application/pdf") {
      frame.dataset.state = "printing";
      frame.contentWindow.focus();
      frame.contentWindow.print();
    } else {
      frame.dataset.state = "refused";
      form.submit();
    }
  });
}
