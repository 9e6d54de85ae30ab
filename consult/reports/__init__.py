"""Summary documents: the 2018-style meeting summary as HTML and as tagged PDF."""
