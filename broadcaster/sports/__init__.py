"""The sport rules, one pure module per sport, and the registry that names them."""

from __future__ import annotations

from types import MappingProxyType
from typing import Final

from broadcaster.sports import (
    american_football,
    baseball,
    basketball,
    cricket,
    ice_hockey,
    soccer,
    tennis,
)
from broadcaster.sports.base import (
    Sport,
    apply,
    create_game,
)

SPORTS: Final = MappingProxyType(
    {
        s.name: s
        for s in (
            basketball.SPORT,
            soccer.SPORT,
            ice_hockey.SPORT,
            american_football.SPORT,
            baseball.SPORT,
            tennis.SPORT,
            cricket.SPORT,
        )
    }
)

__all__ = ["SPORTS", "Sport", "apply", "create_game"]
