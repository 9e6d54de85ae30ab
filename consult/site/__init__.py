"""The site as a whole: the language switch and the pages every public body must have
(accessibility declaration, information on the processing of personal data)."""
