# qgis/lifecircle_processing/__init__.py — QGIS plugin entry point: QGIS calls classFactory() to
# create the plugin (plugin.py), which adds the lifecircle Processing provider (provider.py).


def classFactory(iface):
    from .plugin import LifecirclePlugin
    return LifecirclePlugin(iface)
