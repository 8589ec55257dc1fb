// sphinx-book-theme 1.3 shows its own sidebar buttons in the article header, but it and
// pydata-sphinx-theme 0.17 wire only the first .primary-toggle / .secondary-toggle of the page,
// the theme's hidden navbar icon: the buttons a reader sees do nothing, and on a phone the site
// navigation cannot be opened. Forward a click on any other toggle to the wired one.
document.addEventListener("DOMContentLoaded", () => {
  [".primary-toggle", ".secondary-toggle"].forEach((selector) => {
    const [wired, ...unwired] = document.querySelectorAll(selector);
    unwired.forEach((button) =>
      button.addEventListener("click", (event) => {
        event.preventDefault();
        event.stopPropagation();
        wired.click();
      }),
    );
  });
});

// A code block wider than the page scrolls sideways; a keyboard reader can scroll it only if
// it takes the focus (axe: scrollable-region-focusable). pydata-sphinx-theme gives it a tab stop
// on load and on resize, but a block inside a solution is hidden then, so it is checked again
// whenever a click or a toggle may have shown one.
function focusableScrollers() {
  document.querySelectorAll("pre, .cell_output > .output").forEach((element) => {
    if (element.scrollWidth > element.clientWidth) {
      element.tabIndex = 0;
    }
  });
}
["click", "toggle"].forEach((type) =>
  document.addEventListener(type, () => requestAnimationFrame(focusableScrollers), true),
);
