#!/usr/bin/env bash
# (Re)create _vendor/: the JavaScript the site needs, served from the site's _static/ so that
# math and saved widgets render with no CDN (_config.yml adds _vendor to html_static_path). Fetched from the npm registry with `npm pack`;
# the versions are pinned here. Run from anywhere: bash tools/vendor_js.sh
set -euo pipefail
cd "$(dirname "$0")/.."

MATHJAX=mathjax@3.2.2                           # Sphinx 7's default is mathjax@3 (es5 build)
HTML_MANAGER=@jupyter-widgets/html-manager@1.0.15 # renders ipywidgets 8 state (protocol 2)
REQUIREJS=requirejs@2.3.8                       # the html-manager's AMD bundle needs it

# Not _static/: Jupyter Book would add every .js file found there to every page.
vendor=_vendor
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

unpack() { # unpack SPEC DIR: npm pack SPEC into $work/DIR/package
    mkdir -p "$work/$2"
    (cd "$work/$2" && npm pack --silent "$1" >/dev/null && tar xzf ./*.tgz)
}
unpack "$MATHJAX" mathjax
unpack "$HTML_MANAGER" html-manager
unpack "$REQUIREJS" requirejs

rm -rf "$vendor"
mkdir -p "$vendor/mathjax/input/tex" "$vendor/mathjax/output/chtml/fonts" \
    "$vendor/html-manager" "$vendor/requirejs"

# MathJax: the combined TeX/MathML + CommonHTML component, the TeX extensions its autoload
# pulls in on demand (\boldsymbol, \cancel, ...), its fonts and the accessibility components the
# context menu loads. The speech rule engine (sre/, 4 MB) is left out: it loads only when a
# reader turns speech on in the menu.
es5=$work/mathjax/package/es5
cp "$es5/tex-mml-chtml.js" "$vendor/mathjax/"
cp -r "$es5/input/tex/extensions" "$vendor/mathjax/input/tex/"
cp -r "$es5/output/chtml/fonts/woff-v2" "$vendor/mathjax/output/chtml/fonts/"
cp -r "$es5/a11y" "$vendor/mathjax/"
cp "$work/mathjax/package/LICENSE" "$vendor/mathjax/"

# html-manager: the AMD bundle (base, controls and output widgets built in) and the
# Font Awesome fonts its CSS references (woff2 and woff cover every current browser).
dist=$work/html-manager/package/dist
cp "$dist/embed-amd.js" "$dist"/*.woff2 "$dist"/*.woff "$vendor/html-manager/"

cp "$work/requirejs/package/require.js" "$vendor/requirejs/"

cat >"$vendor/VERSIONS.txt" <<VERSIONS
Created by tools/vendor_js.sh from the npm registry; do not edit by hand.
Served as _static/<folder>/ (html_static_path in _config.yml).
$MATHJAX (Apache-2.0, see mathjax/LICENSE)
$HTML_MANAGER (BSD-3-Clause)
$REQUIREJS (MIT, see the header of requirejs/require.js)
VERSIONS
du -sh "$vendor"
