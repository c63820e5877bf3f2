from .base import Base
from .catalog import *
from .stock import *
