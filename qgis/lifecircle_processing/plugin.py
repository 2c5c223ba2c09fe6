# qgis/lifecircle_processing/plugin.py — the QGIS plugin: adds the lifecircle Processing provider
# when QGIS (or qgis_process) starts Processing and removes it on unload. No GUI of its own: the
# algorithms appear in the Processing toolbox.

from qgis.core import QgsApplication

from .provider import LifecircleProvider


class LifecirclePlugin:

    def __init__(self, iface=None):
        self.iface = iface
        self.provider = None

    def initProcessing(self):
        """Called by QGIS and by qgis_process (metadata.txt hasProcessingProvider=yes)."""
        if self.provider is None:
            self.provider = LifecircleProvider()
            QgsApplication.processingRegistry().addProvider(self.provider)

    def initGui(self):
        self.initProcessing()

    def unload(self):
        if self.provider is not None:
            QgsApplication.processingRegistry().removeProvider(self.provider)
            self.provider = None
