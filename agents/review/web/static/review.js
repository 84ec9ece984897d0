// ClaimFlow review: the one behaviour the pages add to plain HTML. A field's name button scrolls to
// where its evidence was read and flashes the boxes. Everything works without it.
document.addEventListener("click", (event) => {
  const button = event.target.closest("[data-show]");
  if (!button) return;
  const boxes = document.querySelectorAll(`.hl[data-field="${button.dataset.show}"]`);
  if (!boxes.length) return;
  boxes[0].scrollIntoView({ behavior: "smooth", block: "center" });
  boxes.forEach((box) => {
    box.classList.add("flash");
    setTimeout(() => box.classList.remove("flash"), 1500);
  });
});
