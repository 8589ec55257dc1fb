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
