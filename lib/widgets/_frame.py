"""What every widget shares: controls with a grid, live and precomputed figures, fast rendering.

A widget is an *update function* ``update(fig, **values) -> dict`` (it computes with ``lib``,
draws into ``fig`` and returns the numbers it drew; tests call it without a frontend) and a list
of :class:`Control`. :func:`interactive_figure` wires them in one of two ways:

- **live** (a kernel: JupyterLab, Notebook, Binder, Colab): the controls call ``update`` on
  every change and the new PNG replaces the old one; every value of every control is computed;
- **precomputed** (the book's build, where ``_ext/static_widgets.py`` sets
  :data:`STATIC_ENV`): ``update`` runs once for every point of the controls' grids, each PNG
  goes into an ``ipywidgets.Stack`` and the controls' ``index`` is ``jslink``-ed to the stacks'
  ``selected_index``, so on the static site the reader's controls switch images in the browser
  with no kernel and no request.

Fast rendering: a figure whose update function keeps a :class:`View` (artists made once,
updated in place) is drawn by blitting: the axes, ticks and labels are drawn once per
:meth:`View.layout_key` and kept as a background; an update redraws only the view's data
artists over it.
"""

import html
import io
import itertools
import os
import time
from collections.abc import Callable, Hashable, Sequence
from dataclasses import dataclass, field

import ipywidgets
import numpy as np
from matplotlib.artist import Artist
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.text import Text
from PIL import Image

from lib import plots

#: Set (to anything but "") by the book's build: widgets are then precomputed, not live.
STATIC_ENV = "WEIGHT_INIT_STATIC_WIDGETS"
#: Resolution of the widget images: sharp at the book's width, light to send on every update.
WIDGET_DPI = 72
#: What the static site says next to every widget.
STATIC_NOTE = (
    "<small>This page shows {n} precomputed settings: move the controls to switch between "
    "them. Run the page in Binder or Colab (rocket icon at the top) and every value is live."
    "</small>"
)
#: Backgrounds a view keeps (one per set of axis limits seen), the oldest dropped first.
MAX_BACKGROUNDS = 16
#: Controls wrap onto several lines instead of shrinking on narrow screens.
CONTROLS_LAYOUT = {"flex_flow": "row wrap", "align_items": "center"}
CONTROL_MIN_WIDTH = "260px"


@dataclass
class View:
    """Artists made once and updated in place; what :func:`render_png` blits.

    ``dynamic``: the artists an update changes (lines, step patches, images); everything else
    in the figure is background, drawn once per :meth:`layout_key`. A subclass sets ``limits``
    (anything hashable: axis limits, scales, fixed labels) whenever it changes them.
    ``texts``: the texts an update changes (title, numbers in a panel). A chapter's figure
    draws them; a widget shows them as HTML beside the image instead (:meth:`caption_html`):
    matplotlib takes longer to draw a dozen lines of text than all the data.
    """

    fig: Figure
    dynamic: list[Artist] = field(default_factory=list)
    texts: list[Text] = field(default_factory=list)
    limits: Hashable = None
    backgrounds: dict = field(default_factory=dict)

    def layout_key(self) -> Hashable:
        return self.limits

    def caption_html(self) -> str:
        """The texts as HTML: the first as a heading, the others side by side, each under its
        artist's label (``text.set_label("activations")``) when it has one."""
        title, *panels = self.texts
        blocks = []
        for panel in panels:
            if not panel.get_text():
                continue
            label = panel.get_label()
            heading = "" if label.startswith("_") else f"<i>{html.escape(label)}</i><br>"
            lines = "<br>".join(html.escape(line) for line in panel.get_text().split("\n"))
            blocks.append(f"<div>{heading}{lines}</div>")
        return (
            f"<div style='line-height:1.3'><b>{html.escape(title.get_text())}</b>"
            f"<div style='display:flex;flex-wrap:wrap;column-gap:2.5em;font-size:90%'>"
            f"{''.join(blocks)}</div></div>"
        )


def attached_view(fig: Figure, kind: type[View], **options) -> View:
    """The :class:`View` kept on ``fig``, made as ``kind(fig, **options)`` (in the house style)
    on the first call, or when the figure was cleared or holds another kind of view."""
    view = getattr(fig, "_course_view", None)
    if type(view) is not kind or not fig.axes:
        fig.clear()
        with plots.use_style():
            view = kind(fig, **options)
        fig._course_view = view
    return view


def _canvas(fig: Figure) -> FigureCanvasAgg:
    if not isinstance(fig.canvas, FigureCanvasAgg):
        FigureCanvasAgg(fig)
    return fig.canvas


def _draw(fig: Figure) -> FigureCanvasAgg:
    """Draw ``fig`` on its Agg canvas: by blitting when it keeps a :class:`View`."""
    canvas = _canvas(fig)
    view = getattr(fig, "_course_view", None)
    if view is None:
        canvas.draw()
        return canvas
    key = view.layout_key()
    if key not in view.backgrounds:
        shown = [artist for artist in view.dynamic if artist.get_visible()]
        for artist in shown:
            artist.set_visible(False)
        canvas.draw()
        # The panels keep their places from now on, whatever the tick labels of later states.
        fig.set_layout_engine("none")
        view.backgrounds[key] = canvas.copy_from_bbox(fig.bbox)
        if len(view.backgrounds) > MAX_BACKGROUNDS:  # about 0.7 MB each: keep the newest
            del view.backgrounds[next(iter(view.backgrounds))]
        for artist in shown:
            artist.set_visible(True)
    canvas.restore_region(view.backgrounds[key])
    for artist in view.dynamic:
        if artist.get_visible():
            fig.draw_artist(artist)
    return canvas


def render_png(fig: Figure, palette: bool = False) -> bytes:
    """The figure as PNG bytes at its own dpi; ``palette=True`` gives a 256-colour image (about
    half the bytes, for the precomputed states the static site embeds). A :class:`View`'s
    ``texts`` are left out (a widget shows them with :meth:`View.caption_html`)."""
    view = getattr(fig, "_course_view", None)
    for text in [] if view is None else view.texts:
        text.set_visible(False)
    rgba = np.asarray(_draw(fig).buffer_rgba())
    image = Image.fromarray(rgba[..., :3])
    buffer = io.BytesIO()
    if palette:
        image.quantize(256, method=Image.Quantize.MEDIANCUT).save(buffer, format="png")
    else:
        # Fast zlib level: the image is sent once per update, size matters less than time.
        image.save(buffer, format="png", compress_level=1)
    return buffer.getvalue()


def caption(fig: Figure, numbers: dict) -> str:
    """What a widget shows above its image: the update's ``message``, or its view's texts."""
    view = getattr(fig, "_course_view", None)
    if "message" in numbers or view is None or not view.texts:
        return numbers.get("message", "")
    return view.caption_html()


def show_message(fig: Figure, message: str) -> None:
    """Replace the figure by a centred message (a setting that overflowed, say)."""
    fig.clear()
    fig._course_view = None
    fig.text(0.5, 0.5, message, ha="center", va="center", wrap=True, fontsize=12, color="0.25")


@dataclass(frozen=True)
class Control:
    """One control of a widget: ``name`` is the update function's keyword.

    ``live()`` makes the control a kernel shows (any value); ``grid`` lists the values the
    static site precomputes, in order (``labels`` show them; default: ``f"{value:g}"`` or the
    value), and ``value`` is where both start. With ``grid=None`` the site keeps ``value``;
    with ``live=None`` the control exists on the site only, and ``keywords(value)`` turns
    its value into the update's keywords (one site control can set two live ones).
    """

    name: str
    description: str
    live: Callable[[], ipywidgets.ValueWidget] | None
    value: object
    grid: Sequence | None = None
    labels: Sequence[str] | None = None
    keywords: Callable[[object], dict] | None = None

    def __post_init__(self):
        if self.grid is not None and self.value not in self.grid:
            raise ValueError(
                f"control {self.name!r}: its start value {self.value!r} must be on its grid "
                f"{tuple(self.grid)!r}, which the static site shows"
            )
        if self.live is None and self.grid is None:
            raise ValueError(f"control {self.name!r} needs a live control, a grid or both")

    def site_keywords(self, value) -> dict:
        return {self.name: value} if self.keywords is None else self.keywords(value)

    def grid_labels(self) -> list[str]:
        if self.labels is not None:
            return list(self.labels)
        return [f"{value:g}" if isinstance(value, float) else str(value) for value in self.grid]

    def static(self) -> ipywidgets.Widget:
        """The site's control: a selection over ``grid`` whose ``index`` picks a stack child."""
        options = list(zip(self.grid_labels(), range(len(self.grid)), strict=True))
        index = list(self.grid).index(self.value)
        common = {
            "options": options,
            "index": index,
            "description": self.description,
            "layout": ipywidgets.Layout(min_width=CONTROL_MIN_WIDTH),
            "style": {"description_width": "initial"},
        }
        if all(isinstance(value, str) for value in self.grid) and len(self.grid) <= 8:
            return ipywidgets.Dropdown(**common)
        return ipywidgets.SelectionSlider(**common, continuous_update=True)


def _image_layout() -> ipywidgets.Layout:
    """An image never wider than the page (a narrow window or the file browser open)."""
    return ipywidgets.Layout(max_width="100%", height="auto")


def _controls_box(widgets: list) -> ipywidgets.Box:
    return ipywidgets.Box(widgets, layout=ipywidgets.Layout(**CONTROLS_LAYOUT))


def _style(control: ipywidgets.Widget) -> ipywidgets.Widget:
    """Give a live control a minimum width and a readable label (it wraps, never shrinks)."""
    control.layout.min_width = CONTROL_MIN_WIDTH
    if hasattr(control, "style") and hasattr(control.style, "description_width"):
        control.style.description_width = "initial"
    return control


def live_figure(
    update: Callable[..., dict], controls: Sequence[Control], figsize: tuple[float, float]
) -> ipywidgets.VBox:
    """The kernel's widget: every change of a control runs ``update`` and swaps the PNG.

    While an update runs the readout says "updating…", so a slow setting never shows a figure
    that disagrees with the controls without a sign. Sliders keep ipywidgets' default of
    updating while dragged, except those made with ``continuous_update=False`` (the ones that
    train a network: their first update takes 0.1-1 s). ``box.update()`` redraws without touching
    a control and returns the update's numbers; ``box.last_update_ms`` is the last update's
    compute + draw + encode time.
    """
    fig = Figure(figsize=figsize, dpi=WIDGET_DPI)
    live = {c.name: _style(c.live()) for c in controls if c.live is not None}
    image = ipywidgets.Image(format="png", layout=_image_layout())
    readout = ipywidgets.HTML()
    box = ipywidgets.VBox([_controls_box(list(live.values())), readout, image])

    def redraw(_change=None):
        readout.value = "<small>updating…</small>"
        start = time.perf_counter()
        numbers = update(fig, **{name: control.value for name, control in live.items()})
        image.value = render_png(fig)
        readout.value = caption(fig, numbers)
        box.last_update_ms = 1000 * (time.perf_counter() - start)
        return numbers

    for control in live.values():
        control.observe(redraw, names="value")
    redraw()
    box.update = redraw
    box.controls = live
    return box


def precomputed_figure(
    update: Callable[..., dict], controls: Sequence[Control], figsize: tuple[float, float]
) -> ipywidgets.VBox:
    """The static site's widget: one PNG per point of the grids, switched in the browser.

    Nested ``Stack`` widgets, one level per gridded control; each stack's ``selected_index``
    is ``jslink``-ed to its control's ``index``, so the html-manager switches images with no
    kernel. ``box.states`` holds the images by grid index, ``box.links`` the links.
    """
    fig = Figure(figsize=figsize, dpi=WIDGET_DPI)
    gridded = [control for control in controls if control.grid is not None]
    fixed = {control.name: control.value for control in controls if control.grid is None}
    states, captions = {}, {}
    for indices in itertools.product(*(range(len(control.grid)) for control in gridded)):
        values = dict(fixed)
        for control, i in zip(gridded, indices, strict=True):
            values.update(control.site_keywords(control.grid[i]))
        numbers = update(fig, **values)
        states[indices] = render_png(fig, palette=True)
        captions[indices] = caption(fig, numbers)
    site_controls = [control.static() for control in gridded]
    links = []

    def stack(prefix: tuple) -> ipywidgets.Widget:
        level = len(prefix)
        if level == len(gridded):
            image = ipywidgets.Image(value=states[prefix], format="png", layout=_image_layout())
            return ipywidgets.VBox([ipywidgets.HTML(captions[prefix]), image])
        children = [stack((*prefix, i)) for i in range(len(gridded[level].grid))]
        node = ipywidgets.Stack(children, selected_index=site_controls[level].index)
        links.append(ipywidgets.jslink((site_controls[level], "index"), (node, "selected_index")))
        return node

    note = ipywidgets.HTML(STATIC_NOTE.format(n=len(states)))
    box = ipywidgets.VBox([_controls_box(site_controls), note, stack(())])
    box.states = states
    box.links = links
    box.controls = dict(zip((c.name for c in gridded), site_controls, strict=True))
    return box


def interactive_figure(
    update: Callable[..., dict], controls: Sequence[Control], figsize: tuple[float, float]
) -> ipywidgets.VBox:
    """:func:`precomputed_figure` in the book's build (:data:`STATIC_ENV` set), else
    :func:`live_figure`."""
    if os.environ.get(STATIC_ENV):
        return precomputed_figure(update, controls, figsize)
    return live_figure(update, controls, figsize)
