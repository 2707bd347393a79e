"""The site's shared stylesheet and script, written once per site as files named after their content.

Every page of a site uses the same CSS and JS; inlined, they were about 40% of a 2,000-task site. As files under
``assets/``, a page refers to them by a relative address (works from disk and served, no CDN), and a browser
fetches them once. The name carries a hash of the text (``site.3f2a9c1b0d4e.css``): a site written again by a
newer omniact refers to new names, so that no browser or proxy shows a new page with a cached old stylesheet.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

from omniact.atomic import write_text

__all__ = ["ASSETS", "Asset", "SiteAssets", "asset", "write_assets"]

#: the site's folder of shared files, beside entries/, tasks/ and img/
ASSETS = "assets"


@dataclass(frozen=True)
class Asset:
    """One shared file: `name` in the site's `ASSETS` folder, and its `text`."""

    name: str
    text: str

    def href(self, up: str) -> str:
        """The file's address from a page `up` (``""`` or ``"../"``) below the site's root."""
        return f"{up}{ASSETS}/{self.name}"


def asset(stem: str, suffix: str, text: str) -> Asset:
    """The file `stem`.<hash>.`suffix` holding `text`."""
    # 12 hex digits: a changed text that kept its name would be a stale file served for ever; 48 bits makes that
    # as good as never, at 4 more characters per address than the 8 commonly used.
    digest = hashlib.sha256(text.encode("utf-8")).hexdigest()[:12]
    return Asset(f"{stem}.{digest}.{suffix}", text)


@dataclass(frozen=True)
class SiteAssets:
    """The stylesheet and the script every page of a site refers to."""

    css: Asset
    js: Asset

    @property
    def names(self) -> set[str]:
        return {self.css.name, self.js.name}

    def head(self, up: str) -> str:
        """The page's `<head>` part: the stylesheet, loaded before the page is drawn (no unstyled flash)."""
        return f"<link rel=stylesheet href='{self.css.href(up)}'>"

    def tail(self, up: str) -> str:
        """The end of the page's `<body>`: the script, run once the elements it works on (and the page's data,
        in the page) are parsed. A classic script, not a module: a module from file:// is refused by Chromium."""
        return f"<script src='{self.js.href(up)}'></script>"


def write_assets(out: Path, assets: SiteAssets) -> None:
    """Write the shared files into `out`/assets, each atomically: a page being read meanwhile gets the old file or
    the new one. Written whether there or not (a few kB): one a user edited, or a disk damaged, is made whole."""
    for a in (assets.css, assets.js):
        write_text(out / ASSETS / a.name, a.text)
