from .project import Project
from .task import Task as Task

__all__ = ["Project", "Task"]
