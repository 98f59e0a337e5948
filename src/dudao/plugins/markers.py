"""The pluggy markers, in a module of their own so plugins can import them cheaply."""

import pluggy

PROJECT = "dudao"
hookspec = pluggy.HookspecMarker(PROJECT)
hookimpl = pluggy.HookimplMarker(PROJECT)
