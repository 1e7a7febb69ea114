"""SugarCube and Harlowe macros in a passage: the ones that are story state read out, the rest kept as text.

A passage is scanned once, left to right (`str.find` and anchored matches, no backtracking regex), into
text, links and macros; `<<if>>…<</if>>` and `(if:)[…](else:)[…]` chains become blocks. Read as state:
- `<<set …>>` / `<<run $items.pushUnique(…)>>` / `(set: …)` / `(put: …)` outside any block: the scene's
  effects;
- an if-chain holding only links (and nested if-chains of links): each link a choice with the condition
  that leads to it (`<<elseif>>`/`<<else>>`/`(else-if:)`/`(else:)`/`(unless:)` negate the earlier ones);
  `<<if c>>[[Buy]]<<else>>You need 10 gold.<</if>>` makes the text after `else` the locked choice's reason;
- setter links `[[label|Target][$x to 1]]`, `<<link "label" "Target">><<set …>><</link>>`,
  `(link-goto: "label", "Target")`, `(link: "label")[(set: …)(go-to: "Target")]`,
  `(link-reveal-goto: "label", "Target")[(set: …)]`: choices with effects.
Anything else stays in the text exactly as written and is listed in `kept`; links inside such markup
still become (unconditioned) choices, as before state was read.
"""

import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field

from .links import Link, link_markup, parse_link
from .script import HARLOWE, ITEMS_VARIABLE, NotSimple, ScriptWriter

MAX_NESTING = 16  # blocks in blocks deeper than this are kept as text (and cost no recursion)
REMOVED = "\x00"  # where markup read as state was; a line left with nothing else goes with it
SUGARCUBE_MACRO = re.compile(r"<<(/?)([A-Za-z][\w-]*)")
HARLOWE_MACRO = re.compile(r"\(([A-Za-z][\w-]*):")
PRINTED_VARIABLE = re.compile(r"\$[^\W\d]\w*")
STRINGS = re.compile(r"""\s*("(?:\\.|[^"\\])*"|'(?:\\.|[^'\\])*')\s*(?:,\s*)?""")

ConditionOf = Callable[[str], dict]
StatementsOf = Callable[[str], list]


@dataclass
class PassageLink:
    label: str
    target: str
    condition: dict = field(default_factory=dict)
    effects: list = field(default_factory=list)
    locked_reason: str = ""


@dataclass
class PassageState:
    text: str  # with the state taken out; links and kept markup stay
    effects: list = field(default_factory=list)
    links: list[PassageLink] = field(default_factory=list)
    kept: list[str] = field(default_factory=list)


@dataclass
class _Token:
    kind: str  # text, link, macro, block
    raw: str
    name: str = ""
    args: str = ""
    closing: bool = False
    link: Link | None = None
    hook: list | None = None  # Harlowe: the tokens of the hook attached to the macro
    sections: list = field(default_factory=list)  # blocks: [(args or None for else, tokens)]


def _name(name: str) -> str:
    """Harlowe ignores case, - and _ in macro names; SugarCube's are lower case already."""
    return name.lower().replace("-", "").replace("_", "")


# Scanning ------------------------------------------------------------------


def _link_end(text: str, start: int, line_end: int) -> int:
    close = text.find("]]", start + 3, line_end)
    return -1 if close == -1 else close + 2


def _line_end(text: str, start: int) -> int:
    end = text.find("\n", start)
    return len(text) if end == -1 else end


def _string_end(text: str, index: int) -> int:
    """Index just past the string whose opening quote is at `index` (a backslash escapes); -1 if unclosed."""
    quote, index = text[index], index + 1
    while index < len(text) and text[index] != quote:
        index += 2 if text[index] == "\\" else 1
    return index + 1 if index < len(text) else -1


def _quoted_end(text: str, index: int, stop: str) -> int:
    """Index just past `stop` from `index`, skipping quoted strings; -1 if it never comes."""
    while index < len(text):
        character = text[index]
        if character in "\"'":
            index = _string_end(text, index)
            if index == -1:
                return -1
        elif text.startswith(stop, index):
            return index + len(stop)
        else:
            index += 1
    return -1


def _sugarcube_tokens(text: str) -> list[_Token]:
    tokens, index, text_start, line_end = [], 0, 0, -1
    macro = link = -2
    last_close = text.rfind(">>")
    while index < len(text):
        # Each search starts where the last one was left behind: the passage is read once, not once per link.
        if macro != -1 and macro < index:
            macro = text.find("<<", index, max(last_close, index))
        if link != -1 and link < index:
            link = text.find("[[", index)
        candidates = [position for position in (macro, link) if position != -1]
        if not candidates:
            break
        start = min(candidates)
        end, token = -1, None
        if start == link:
            if start >= line_end:
                line_end = _line_end(text, start)
            end = _link_end(text, start, line_end)
            if end != -1:
                token = _Token("link", text[start:end], link=parse_link(text[start + 2 : end - 2]))
        else:
            match = SUGARCUBE_MACRO.match(text, start)
            end = _quoted_end(text, match.end(), ">>") if match else -1
            if end != -1:
                token = _Token(
                    "macro",
                    text[start:end],
                    name=match.group(2).lower(),
                    args=text[match.end() : end - 2].strip(),
                    closing=bool(match.group(1)),
                )
        if token is None:
            index = start + 2
            continue
        if text_start < start:
            tokens.append(_Token("text", text[text_start:start]))
        tokens.append(token)
        index = text_start = end
    if text_start < len(text):
        tokens.append(_Token("text", text[text_start:]))
    return _sugarcube_blocks(tokens)


def _sugarcube_blocks(tokens: list[_Token]) -> list[_Token]:
    """`<<if>>…<<elseif>>…<<else>>…<</if>>` and `<<link>>…<</link>>` as blocks; an unclosed one stays as is."""
    out: list[_Token] = []
    frames: list[tuple[_Token, list[_Token]]] = []  # an open block, and every token it has consumed

    def current() -> list[_Token]:
        return frames[-1][0].sections[-1][1] if frames else out

    for token in tokens:
        if token.kind == "macro" and not token.closing and token.name in ("if", "link") and len(frames) < MAX_NESTING:
            frames.append((_Token("block", "", name=token.name, args=token.args, sections=[(token.args, [])]), [token]))
        elif (
            frames
            and token.kind == "macro"
            and not token.closing
            and frames[-1][0].name == "if"
            and token.name in ("elseif", "else")
        ):
            frames[-1][0].sections.append((token.args if token.name == "elseif" else None, []))
            frames[-1][1].append(token)
        elif frames and token.kind == "macro" and token.closing and token.name == frames[-1][0].name:
            block, consumed = frames.pop()
            block.raw = "".join(part.raw for part in consumed) + token.raw
            current().append(block)
            if frames:
                frames[-1][1].append(block)
        else:
            current().append(token)
            if frames:
                frames[-1][1].append(token)
    while frames:  # unclosed: the tokens it consumed go back as they were
        _, consumed = frames.pop()
        target = current()
        if frames:
            frames[-1][1].extend(consumed)
        target.extend(consumed)
    return out


def _harlowe_tokens(text: str, depth: int = 0) -> list[_Token]:
    tokens, index, text_start, line_end = [], 0, 0, -1
    macro, link, searched = None, -2, -1
    parens, brackets = _closings(text)
    while index < len(text):
        if searched != -2 and (macro is None and searched < index or macro is not None and macro.start() < index):
            macro = HARLOWE_MACRO.search(text, index)
            searched = index if macro is not None else -2
        if link != -1 and link < index:
            link = text.find("[[", index)
        starts = [position for position in (macro.start() if macro else -1, link) if position != -1]
        if not starts:
            break
        start = min(starts)
        token, end = None, -1
        if start == link:
            if start >= line_end:
                line_end = _line_end(text, start)
            end = _link_end(text, start, line_end)
            if end != -1:
                token = _Token("link", text[start:end], link=parse_link(text[start + 2 : end - 2]))
        else:
            end = parens.get(start, -1)
            if end != -1:
                token = _Token("macro", "", name=_name(macro.group(1)), args=text[macro.end() : end - 1].strip())
                if text.startswith("[", end) and not text.startswith("[[", end) or text.startswith("[[[", end):
                    hook_end = brackets.get(end, -1)
                    if hook_end != -1:
                        hook = text[end + 1 : hook_end - 1]
                        token.hook = (
                            _harlowe_tokens(hook, depth + 1)
                            if depth < MAX_NESTING
                            else [_Token("text", hook), _Token("macro", "", name="too deep")]
                        )
                        end = hook_end
                token.raw = text[start:end]
        if token is None:
            index = start + 1
            continue
        if text_start < start:
            tokens.append(_Token("text", text[text_start:start]))
        tokens.append(token)
        index = text_start = end
    if text_start < len(text):
        tokens.append(_Token("text", text[text_start:]))
    return _harlowe_chains(tokens)


def _closings(text: str) -> tuple[dict[int, int], dict[int, int]]:
    """Where each macro's `(` and each `[` close (index just past), found in one pass: a passage of many
    unclosed `(if:` or `[` costs time in proportion to its length. Quotes count only inside a macro's
    parentheses (prose has apostrophes)."""
    parens, brackets = {}, {}
    open_parens: list[int] = []
    open_brackets: list[int] = []
    index = 0
    while index < len(text):
        character = text[index]
        if open_parens:
            if character in "\"'":
                end = _string_end(text, index)
                if end == -1:
                    break
                index = end
                continue
            if character == "(":
                open_parens.append(index)
            elif character == ")":
                parens[open_parens.pop()] = index + 1
        elif character == "(" and HARLOWE_MACRO.match(text, index):
            open_parens.append(index)
        if character == "[":
            open_brackets.append(index)
        elif character == "]" and open_brackets:
            brackets[open_brackets.pop()] = index + 1
        index += 1
    return parens, brackets


def _harlowe_chains(tokens: list[_Token]) -> list[_Token]:
    """`(if:)[…]` / `(unless:)[…]` with the `(else-if:)[…]`/`(else:)[…]` that follow (blanks between)."""
    out: list[_Token] = []
    for token in tokens:
        if token.kind == "macro" and token.hook is not None and token.name in ("if", "unless"):
            args = token.args if token.name == "if" else f"not ({token.args})"
            out.append(_Token("block", token.raw, name="if", sections=[(args, token.hook)]))
            continue
        if token.kind == "macro" and token.hook is not None and token.name in ("elseif", "else"):
            last = len(out) - 1
            while last >= 0 and out[last].kind == "text" and not out[last].raw.strip():
                last -= 1
            if last >= 0 and out[last].kind == "block" and out[last].sections[-1][0] is not None:
                block = out[last]
                between = "".join(part.raw for part in out[last + 1 :])
                del out[last + 1 :]
                block.raw += between + token.raw
                block.sections.append((token.args if token.name == "elseif" else None, token.hook))
                continue
        out.append(token)
    return out


# Reading -------------------------------------------------------------------


class _Reader:
    def __init__(self, dialect: str, condition_of: ConditionOf, statements_of: StatementsOf):
        self.harlowe = dialect == HARLOWE
        self.condition_of, self.statements_of = condition_of, statements_of
        self.state = PassageState(text="")

    def read(self, tokens: list[_Token]) -> PassageState:
        out = []
        for token in tokens:
            out.append(self._top(token))
        self.state.text = _without_removed("".join(out))
        return self.state

    def _top(self, token: _Token) -> str:
        if token.kind == "text":
            self._printed(token.raw)
            return token.raw
        if token.kind == "link":
            self.state.links.append(self._plain_link(token))
            return token.raw
        if token.kind == "macro" and self._is_setter(token):
            try:
                self.state.effects.extend(self.statements_of(token.args))
                return REMOVED
            except NotSimple:
                pass
        elif token.kind == "block" and token.name == "if":
            links = self._conditional(token, {})
            if links is not None:
                self.state.links.extend(links)
                return REMOVED
        elif token.kind in ("block", "macro"):
            link = self._link_macro(token, {})
            if link is not None:
                self.state.links.append(link)
                return REMOVED
        self._keep(token)
        return token.raw

    def _is_setter(self, token: _Token) -> bool:
        return (
            token.hook is None
            and not token.closing
            and token.name in (("set", "put") if self.harlowe else ("set", "run"))
        )

    def _keep(self, token: _Token) -> None:
        self.state.kept.append(_shortened(token.raw))
        for inner in _inner_links(token):
            self.state.links.append(PassageLink(inner.label, inner.target))

    def _printed(self, text: str) -> None:
        for match in PRINTED_VARIABLE.finditer(text):
            self.state.kept.append(f"{match.group()} (printed in the text)")

    def _plain_link(self, token: _Token, condition: dict | None = None) -> PassageLink:
        link = token.link
        effects = []
        if link.setter:
            try:
                effects = self.statements_of(link.setter)
            except NotSimple:
                self.state.kept.append(_shortened(f"[{link.setter}] (the setter of the link “{link.label}”)"))
        return PassageLink(link.label, link.target, condition=dict(condition or {}), effects=effects)

    def _conditional(self, block: _Token, outer: dict) -> list[PassageLink] | None:
        """The links of an if-chain made of links only, each with its condition; None if it holds more."""
        try:
            conditions = self._section_conditions(block)
        except NotSimple:
            return None
        reason = self._locked_reason(block)
        if reason is not None:
            link = self._plain_link(
                block.sections[0][1][_link_index(block.sections[0][1])], _all_of(outer, conditions[0])
            )
            link.locked_reason = reason
            return [link]
        links = []
        for (_, body), condition in zip(block.sections, conditions, strict=True):
            for token in body:
                condition_here = _all_of(outer, condition)
                if token.kind == "text" and not token.raw.strip():
                    continue
                if token.kind == "link":
                    links.append(self._plain_link(token, condition_here))
                elif token.kind == "block" and token.name == "if":
                    inner = self._conditional(token, condition_here)
                    if inner is None:
                        return None
                    links += inner
                elif (link := self._link_macro(token, condition_here)) is not None:
                    links.append(link)
                else:
                    return None
        return links

    def _section_conditions(self, block: _Token) -> list[dict]:
        conditions, earlier = [], []
        for args, _ in block.sections:
            negated = [{"!": condition} for condition in earlier]
            if args is None:
                conditions.append(_all_of(*negated))
            else:
                condition = self.condition_of(args)
                conditions.append(_all_of(*negated, condition))
                earlier.append(condition)
        return conditions

    def _locked_reason(self, block: _Token) -> str | None:
        """`if c: one link, else: plain words` — the words are what a player reads on the locked choice."""
        if len(block.sections) != 2 or block.sections[1][0] is not None:
            return None
        first, second = block.sections[0][1], block.sections[1][1]
        if _link_index(first) is None or any(t.kind != "text" for t in second):
            return None
        words = "".join(token.raw for token in second).strip()
        return words if words and len(words) <= 300 else None

    def _link_macro(self, token: _Token, condition: dict) -> PassageLink | None:
        """SugarCube `<<link>>` blocks, Harlowe `(link-goto:)`, `(link:)[…(go-to:)]`, `(link-reveal-goto:)[…]`."""
        if self.harlowe:
            if token.kind != "macro" or token.name not in ("linkgoto", "link", "linkrevealgoto"):
                return None
            names = _strings(token.args)
            if names is None or not 1 <= len(names) <= 2:
                return None
            body = token.hook or []
            if token.name == "linkgoto" and token.hook is None:
                return PassageLink(names[0], names[-1], condition=dict(condition))
            if token.name == "linkrevealgoto" and len(names) == 2:
                effects = self._setters_only(body)
                return None if effects is None else PassageLink(names[0], names[1], dict(condition), effects)
            if token.name == "link" and len(names) == 1:
                *setters, last = [t for t in body if t.kind != "text" or t.raw.strip()] or [None]
                target = (
                    _strings(last.args)
                    if last is not None and last.kind == "macro" and last.name == "goto" and last.hook is None
                    else None
                )
                effects = self._setters_only(setters)
                if target and len(target) == 1 and effects is not None:
                    return PassageLink(names[0], target[0], dict(condition), effects)
            return None
        if token.kind != "block" or token.name != "link":
            return None
        body = token.sections[0][1]
        args = token.args.strip()
        if args.startswith("[[") and args.endswith("]]"):
            link = parse_link(args[2:-2])
            effects = self._setters_only(body)
            if effects is None:
                return None
            try:
                setter = self.statements_of(link.setter) if link.setter else []
            except NotSimple:
                return None
            return PassageLink(link.label, link.target, dict(condition), [*setter, *effects])
        names = _strings(args, separator=False)
        if names is None or not 1 <= len(names) <= 2:
            return None
        significant = [t for t in body if t.kind != "text" or t.raw.strip()]
        if len(names) == 1:
            if not significant or significant[-1].kind != "macro" or significant[-1].name != "goto":
                return None
            target = _strings(significant[-1].args, separator=False)
            if not target or len(target) != 1:
                return None
            names, significant = [names[0], target[0]], significant[:-1]
        effects = self._setters_only(significant)
        return None if effects is None else PassageLink(names[0], names[1], dict(condition), effects)

    def _setters_only(self, tokens: list[_Token]) -> list | None:
        effects = []
        for token in tokens:
            if token.kind == "text" and not token.raw.strip():
                continue
            if token.kind != "macro" or not self._is_setter(token):
                return None
            try:
                effects += self.statements_of(token.args)
            except NotSimple:
                return None
        return effects


def _link_index(tokens: list[_Token]) -> int | None:
    significant = [index for index, token in enumerate(tokens) if token.kind != "text" or token.raw.strip()]
    if len(significant) == 1 and tokens[significant[0]].kind == "link":
        return significant[0]
    return None


def _inner_links(token: _Token) -> list[Link]:
    if token.kind == "link":
        return [token.link]
    children = [child for _, body in token.sections for child in body] + list(token.hook or [])
    return [link for child in children for link in _inner_links(child)]


def _all_of(*conditions) -> dict:
    parts = []
    for condition in conditions:
        if not condition:
            continue
        parts += condition["and"] if list(condition) == ["and"] else [condition]
    if not parts:
        return {}
    return parts[0] if len(parts) == 1 else {"and": parts}


def _strings(args: str, *, separator: bool = True) -> list[str] | None:
    """The quoted strings an argument list is made of (`"a", "b"`; SugarCube `"a" "b"`), or None."""
    values, index = [], 0
    while index < len(args):
        match = STRINGS.match(args, index)
        if not match or match.end() == index:
            return None
        quoted = match.group(1)
        if quoted.startswith("'"):
            quoted = '"' + quoted[1:-1].replace("\\'", "'").replace('"', '\\"') + '"'
        try:
            values.append(json.loads(quoted))
        except ValueError:
            return None
        index = match.end()
    return values


def _shortened(raw: str) -> str:
    text = " ".join(raw.split())
    return text if len(text) <= 80 else text[:79] + "…"


def _without_removed(text: str) -> str:
    lines = [line for line in text.split("\n") if not (REMOVED in line and not line.replace(REMOVED, "").strip())]
    return "\n".join(lines).replace(REMOVED, "")


def passage_tokens(text: str, *, dialect: str) -> list[_Token]:
    """The passage scanned (reading leaves the tokens as they are, so one scan serves several readings)."""
    return _harlowe_tokens(text) if dialect == HARLOWE else _sugarcube_tokens(text)


def read_passage(
    text: str,
    *,
    dialect: str,
    condition_of: ConditionOf,
    statements_of: StatementsOf,
    tokens: list[_Token] | None = None,
) -> PassageState:
    """What in `text` is story state, and the text left (`dialect`: SUGARCUBE or HARLOWE)."""
    tokens = passage_tokens(text, dialect=dialect) if tokens is None else tokens
    return _Reader(dialect, condition_of, statements_of).read(tokens)


# Writing -------------------------------------------------------------------


def _setter_macro(writer: ScriptWriter, effect: dict) -> str:
    statement = writer.statement(effect)
    if writer.harlowe:
        return f"(set: {statement})"
    return f"<<run {statement}>>" if statement.startswith(f"${ITEMS_VARIABLE}.") else f"<<set {statement}>>"


def write_effects(writer: ScriptWriter, effects: list) -> list[str]:
    """One macro a line."""
    return [_setter_macro(writer, effect) for effect in effects]


def write_link(writer: ScriptWriter, link: PassageLink) -> str:
    """A choice as a line of the passage: its condition around it, its effects as it is taken."""
    target = json.dumps(link.target, ensure_ascii=False)
    if writer.harlowe:
        if link.effects:
            setters = "".join(_setter_macro(writer, effect) for effect in link.effects)
            line = f"(link: {json.dumps(link.label, ensure_ascii=False)})[{setters}(go-to: {target})]"
        else:
            line = link_markup(link.label, link.target)
        if not link.condition:
            return line
        reason = f"(else:)[{link.locked_reason}]" if link.locked_reason else ""
        return f"(if: {writer.condition(link.condition)})[ {line} ]{reason}"
    line = link_markup(link.label, link.target)
    if link.effects:
        setter = "; ".join(writer.statement(effect) for effect in link.effects)
        line = (
            f"[[{link.label}->{link.target}][{setter}]]"
            if link.label != link.target
            else f"[[{link.target}][{setter}]]"
        )
    if not link.condition:
        return line
    reason = f"<<else>>{link.locked_reason}" if link.locked_reason else ""
    return f"<<if {writer.condition(link.condition)}>>{line}{reason}<</if>>"


def write_initial_values(writer: ScriptWriter, variables: list[dict], has_items: bool) -> list[str]:
    """The lines of StoryInit (SugarCube) or of a startup passage (Harlowe) giving the declared start."""
    lines = []
    for variable in variables:
        statement = writer.initial(variable["name"], variable["initial"])
        lines.append(f"(set: {statement})" if writer.harlowe else f"<<set {statement}>>")
    if has_items:
        lines.append(f"(set: ${ITEMS_VARIABLE} to (ds:))" if writer.harlowe else f"<<set ${ITEMS_VARIABLE} to []>>")
    return lines
