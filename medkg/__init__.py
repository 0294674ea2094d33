"""medkg: a medical knowledge graph whose every fact is traceable to the words it rests on."""

__version__ = "0.1.0"
