// Runs before the widget manager (_static/html-manager/embed-amd.js, vendored by
// tools/vendor_js.sh), so that saved widgets render from this site alone.

// The manager loads its Font Awesome fonts from next to the URL RequireJS gives its
// libembed-amd module, which by default is relative to the page: point it at _static/.
require.config({
  paths: {
    "@jupyter-widgets/html-manager/dist":
      document.documentElement.dataset.content_root + "_static/html-manager",
  },
});

// ipywidgets typesets labels with MathJax 2's MathJax.Hub.Queue(["Typeset", Hub, element]);
// the site runs MathJax 3 (loaded with defer, so it is there by DOMContentLoaded).
document.addEventListener("DOMContentLoaded", () => {
  const mathjax = window.MathJax;
  if (mathjax && mathjax.startup && !mathjax.Hub) {
    mathjax.Hub = {
      Queue: ([, , element]) =>
        mathjax.startup.promise.then(() => mathjax.typesetPromise([element])),
    };
  }
});

// Accessibility of the saved widgets, which the html-manager renders without it: every
// slider handle gets its control's label as its name (axe: aria-input-field-name), and
// every figure image the heading of the setting it shows as its alt text (axe: image-alt).
function labelWidgets(root) {
  root.querySelectorAll(".widget-slider").forEach((slider) => {
    const label = slider.querySelector(".widget-label");
    slider.querySelectorAll("[role=slider]").forEach((handle) => {
      if (!handle.hasAttribute("aria-label") && label) {
        handle.setAttribute("aria-label", label.textContent.trim() || "value");
      }
    });
  });
  root.querySelectorAll("img.widget-image:not([alt])").forEach((image) => {
    const setting = image.parentElement && image.parentElement.querySelector(".widget-html b");
    const heading = setting ? setting.textContent.trim() : "";
    image.setAttribute(
      "alt",
      heading ? `Figure for the setting: ${heading}` : "Figure for the selected setting",
    );
  });
}

document.addEventListener("DOMContentLoaded", () => {
  labelWidgets(document);
  new MutationObserver(() => labelWidgets(document)).observe(document.body, {
    childList: true,
    subtree: true,
  });
});
