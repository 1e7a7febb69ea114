"""Writes and rules of the story domain, used by the admin, the studio and the API alike.

One module per document: `stories` (a story's own fields, publishing), `scenes`, `choices`, `layout`
(scenes on the map), `progress` (players' paths), `assets`, `previews`, `users`; callers import the
module that holds what they use.
"""
