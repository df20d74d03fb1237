"""What the reading page draws, and every piece of HTML built in Python: highlighted
paragraphs (highlights, body_cache), the side list and a tag's markup (side_list), quote
suggestions (suggestion_list) and a claim's evidence (evidence). Escaped pieces are
`SafeString`, so nothing is escaped twice."""
