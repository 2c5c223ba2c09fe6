# qgis/lifecircle_processing/provider.py — the Processing provider "lifecircle": registers the four
# algorithms (validate, check, site, isochrones) and the one setting they need, where the
# `lifecircle` command is (Settings > Options > Processing > Providers > lifecircle).

import os

from qgis.core import QgsProcessingProvider
from qgis.PyQt.QtGui import QIcon

from .alg_check import CheckAlgorithm
from .alg_isochrones import IsochronesAlgorithm
from .alg_site import SiteAlgorithm
from .alg_validate import ValidateAlgorithm

COMMAND_SETTING = 'LIFECIRCLE_COMMAND'

try:  # the Processing plugin's settings; absent only where Processing itself is
    from processing.core.ProcessingConfig import ProcessingConfig, Setting
except ImportError:  # pragma: no cover
    ProcessingConfig = Setting = None


class LifecircleProvider(QgsProcessingProvider):

    def load(self):
        if ProcessingConfig is not None:
            ProcessingConfig.settingIcons[self.name()] = self.icon()
            ProcessingConfig.addSetting(Setting(
                self.name(), COMMAND_SETTING,
                'lifecircle 命令路径 path of the lifecircle command (empty: $LIFECIRCLE, then PATH)', '',
                valuetype=Setting.FILE))
            ProcessingConfig.readSettings()
        self.refreshAlgorithms()
        return True

    def unload(self):
        if ProcessingConfig is not None:
            ProcessingConfig.removeSetting(COMMAND_SETTING)

    def command_setting(self):
        """The command path the user set, or None."""
        if ProcessingConfig is None:
            return None
        return ProcessingConfig.getSetting(COMMAND_SETTING) or None

    def loadAlgorithms(self):
        for alg in (ValidateAlgorithm, CheckAlgorithm, SiteAlgorithm, IsochronesAlgorithm):
            self.addAlgorithm(alg(self))

    def id(self):
        return 'lifecircle'

    def name(self):
        return 'lifecircle'

    def longName(self):
        return 'lifecircle 15分钟养老服务圈 elder-service life circle'

    def icon(self):
        return QIcon(os.path.join(os.path.dirname(__file__), 'icon.svg'))

    def svgIconPath(self):
        return os.path.join(os.path.dirname(__file__), 'icon.svg')
