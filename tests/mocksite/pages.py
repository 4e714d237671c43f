"""Fictional local news pages for the fixture site, dressed like a real outlet's.

Every page carries navigation, a related-stories sidebar and a footer whose words must not
reach the extracted text (see BOILERPLATE), and says in a comment what it is there to test.
"""

from __future__ import annotations

from html import escape

OUTLET = "Riverton Ledger"
# Phrases that appear only in page chrome; an extractor that keeps them is wrong.
BOILERPLATE = (
    "Subscribe to the Ledger",
    "Weather radar",
    "Mayor opens new skate park",
    "All rights reserved",
    "Advertise with us",
)


def article_page(
    title: str,
    paragraphs: list[str],
    *,
    purpose: str,
    canonical: str | None = None,
    published: str | None = None,
    charset: str = "utf-8",
) -> str:
    head = [f'<meta charset="{charset}">', f"<title>{escape(title)} | {OUTLET}</title>"]
    if canonical:
        head.append(f'<link rel="canonical" href="{escape(canonical)}">')
        head.append(f'<meta property="og:url" content="{escape(canonical)}">')
    head.append(f'<meta property="og:title" content="{escape(title)}">')
    if published:
        head.append(f'<meta property="article:published_time" content="{published}">')
    body = "\n".join(f"<p>{escape(p)}</p>" for p in paragraphs)
    return f"""<!DOCTYPE html>
<!-- Fixture page. Tests: {escape(purpose)} -->
<html lang="en"><head>{"".join(head)}</head>
<body>
<header><nav><ul>
  <li><a href="/">Home</a></li><li><a href="/local">Local</a></li>
  <li><a href="/weather">Weather radar</a></li>
  <li><a href="/subscribe">Subscribe to the Ledger</a></li>
</ul></nav></header>
<main>
<article>
<h1>{escape(title)}</h1>
<p class="byline">By Dana Whitfield, Ledger staff</p>
{body}
</article>
<aside class="related"><h2>Related stories</h2><ul>
  <li><a href="/news/skate-park">Mayor opens new skate park on the east side</a></li>
  <li><a href="/news/road-work">Road work season begins on Route 9</a></li>
</ul></aside>
</main>
<footer><p>Copyright 2025 {OUTLET}. All rights reserved.</p>
<p><a href="/advertise">Advertise with us</a> | <a href="/contact">Contact</a></p></footer>
</body></html>
"""


def story(topic: str, place: str = "Riverton") -> list[str]:
    """Four plain paragraphs of a fictional local story about ``topic``."""
    return [
        f"{place} residents packed the community center on Tuesday evening to hear how the "
        f"{topic} would change daily life in the neighborhoods along the river, and many "
        "stayed long after the scheduled end of the meeting to ask questions.",
        f"City staff said the {topic} had been discussed for more than a year. They described "
        "a timeline that begins this spring, with a public review period in which anyone can "
        "submit written comments to the clerk's office or speak at the next hearing.",
        f"Several longtime residents said they supported the {topic} but worried about costs. "
        "One retired teacher told the room that she wanted the city to publish a clear budget "
        "before any contract is signed, a request that drew loud applause.",
        f"Officials promised to post updated documents about the {topic} on the city website "
        "within two weeks and to hold a second meeting in April so that people who work in the "
        "evenings can attend and give their views in person.",
    ]


def shooting_story() -> list[str]:
    return [
        "A Riverton police officer shot and killed a man early Sunday after a traffic stop on "
        "Mill Street turned violent, according to the Riverton Police Department.",
        "Police said the officer fired after the driver pointed a handgun at him. The man died "
        "at the scene. No officers were injured in the officer-involved shooting.",
        "The Missouri State Highway Patrol is investigating the shooting, as it does whenever a "
        "Riverton officer fires a weapon. The officer has been placed on administrative leave.",
        "Neighbors said they heard several shots shortly after 2 a.m. and saw patrol cars block "
        "the intersection for most of the morning while investigators collected evidence.",
    ]


LATIN1_PARAGRAPHS = [
    "La Señora Muñoz abrió el Café Olé en la calle Mayor de Riverton hace veinte años, y el "
    "lunes la junta escolar votó para nombrar la nueva biblioteca en su honor.",
    "Los estudiantes del programa bilingüe prepararon canciones y poemas para la ceremonia, "
    "que reunió a familias de todo el distrito en el gimnasio de la escuela secundaria.",
    "La junta también aprobó un plan para ampliar las clases de español y francés, con más "
    "maestros contratados para el próximo año escolar según el presupuesto aprobado.",
    "Muñoz dijo que estaba muy agradecida y que el café seguirá abierto todos los días para "
    "los vecinos, los estudiantes y los maestros que quieran leer o conversar.",
]
