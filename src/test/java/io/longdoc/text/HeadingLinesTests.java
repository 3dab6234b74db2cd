package io.longdoc.text;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Heading lines found in real documents' text (Debian's shipped docs, the Python docs of bench/data). */
class HeadingLinesTests {

    /** dpkg's doc/triggers.txt (setext underlines, two levels). */
    static final String DPKG_TRIGGERS = """
        TRIGGERS
        ========

        Introduction
        ------------

        A dpkg trigger is a facility that allows events caused by one package
        but of interest to another package to be recorded and aggregated, and
        processed later by the interested package.  This feature simplifies
        various registration and system-update tasks and reduces duplication
        of processing.

        (NB: Triggers are intended for events that occur during package
        installation, not events that occur in general operation.)


        Concepts
        --------

        Each trigger is named, and at any time zero or more packages may be
        interested in it.

        We currently envisage three kinds of triggers:
         * Explicit triggers.  These can be activated by any program
           by running dpkg-trigger (at any time, but ideally from a maintainer
           script).
         * File triggers.  These are activated automatically by dpkg
           when a matching file is installed, upgraded or removed as part
           of a package.
        """;

    /** zstd's TESTING.md: an underlined title with its text on the very next line, and list items. */
    static final String ZSTD_TESTING = """
        Testing
        =======

        Zstandard CI testing is split up into three sections:
        short, medium, and long tests.

        Short Tests
        -----------
        Short tests run on CircleCI for new commits on every branch and pull request.
        They consist of the following tests:
        - Compilation on all supported targets (x86, x86_64, ARM, AArch64, PowerPC, and PowerPC64)
        - Compilation on various versions of gcc, clang, and g++
        """;

    /** PyYAML's README.md: Markdown headings, a tagline, indented code, a line ending in a colon. */
    static final String PYYAML_README = """
        PyYAML
        ======

        A full-featured YAML processing framework for Python

        ## Installation

        To install, type `python setup.py install`.

        When LibYAML bindings are installed, you may use fast LibYAML-based parser and
        emitter as follows:

            >>> yaml.load(stream, Loader=yaml.CLoader)
            >>> yaml.dump(data, Dumper=yaml.CDumper)

        If you don't trust the input YAML stream, you should use:

            >>> yaml.safe_load(stream)

        ## Testing

        PyYAML includes a comprehensive test suite.
        To run the tests, type `python setup.py test`.
        """;

    @Test
    void underlinedTitlesOfTwoLevels() {
        assertEquals(List.of("TRIGGERS\n========", "Introduction\n------------", "Concepts\n--------"), headings(DPKG_TRIGGERS));
    }

    @Test
    void anUnderlinedTitleNeedsNoBlankLineAfterIt() {
        assertEquals(List.of("Testing\n=======", "Short Tests\n-----------"), headings(ZSTD_TESTING));
    }

    @Test
    void markdownMarkersAndAStandaloneTaglineButNotCodeOrALeadIn() {
        // the tagline is a short capitalised line alone between blank lines: by layout it is a heading, and starting
        // a section there costs nothing; the indented >>> lines and the lead-in ending in ':' are not headings
        assertEquals(List.of("PyYAML\n======", "A full-featured YAML processing framework for Python", "## Installation", "## Testing"),
            headings(PYYAML_README));
    }

    @Test
    void anOverlinedTitleIsOneHeadingWithItsOverline() {
        // setuptools' docs/roadmap.rst
        String text = "=======\nRoadmap\n=======\n\nSetuptools maintains a series of `milestones\n<https://github.com/pypa/setuptools/milestones>`_ to track\na roadmap of large-scale goals.\n";
        assertEquals(List.of("=======\nRoadmap\n======="), headings(text));
    }

    @Test
    void theDevCorpusLinesThatAreNotHeadings() {
        // from bench/data/pydocs (c-api/exceptions, faq/library, faq/programming): a reST directive alone between
        // blank lines, a comment in an indented code block, a wrapped prose line that starts with '==', a table's borders
        String text = """
            Raise an exception after it is caught.


            .. c:function:: void PyErr_Clear()

               Clear the error indicator.  If the error indicator is not set, there is no
               effect.

               # The worker thread gets jobs off the queue.  When the queue is empty, it
               # assumes there will be no more work and exits.

            For example, ``int('144')
            == 144``.  Similarly, :func:`float` converts to floating-point,
            e.g. ``float('144') == 144.0``.

            ===== ======================================================
            Value Meaning
            ===== ======================================================
            """;
        assertEquals(List.of(), headings(text));
    }

    @Test
    void aStandaloneTitleFromTheDevCorpus() {
        // pydocs library/multiprocessing (its guidelines are short titles over an indented body; the reST heading
        // above them was lifted out of the corpus's text) and howto/logging-cookbook, where a lead-in without its
        // colon reads as a title by layout, a false heading that only starts a section early
        String text = "The following applies to all start methods.\n\nAvoid shared state\n\n    As far as possible one should try to avoid shifting large amounts of data\n    between processes.\n\nPicklability\n\n"
            + "When this script is run, it prints\n\n.. code-block:: text\n\n    INFO:demo:An INFO message\n";
        assertEquals(List.of("Avoid shared state", "Picklability", "When this script is run, it prints"), headings(text));
    }

    @Test
    void aDelimiterLineAboveALineBeforeABlankIsNoOverline() {
        // an AsciiDoc listing block: the '----' delimiters are adornment-like lines, the line between them is no title
        // (this shape once failed the document with an index out of bounds)
        String text = "Add the file:\n\n----\n$ git add README\n\n----\n\nThen commit it.\n";
        assertEquals(List.of(), headings(text));
    }

    @Test
    void fencedCodeHoldsNoHeadings() {
        String text = "## Usage\n\n```sh\n# install it\n\nMake all\n\n```\n\nDone.\n";
        assertEquals(List.of("## Usage"), headings(text));
    }

    @Test
    void proseHasNoHeadings() {
        String text = "Fellow-Citizens of the Senate and House of Representatives:\n\nAmong the vicissitudes incident to life no event could have filled me with\ngreater anxieties than that of which the notification was transmitted by your order.\n";
        assertEquals(List.of(), headings(text));
    }

    static List<String> headings(String text) {
        return HeadingLines.find(text).stream().map(h -> text.substring(h[0], h[1])).toList();
    }
}
