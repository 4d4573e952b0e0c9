package io.sluice.bounce.mail;

import java.util.regex.Pattern;

/**
 * The readable text of an HTML bounce part: tags dropped, line breaks kept, common entities undone.
 */
final class HtmlText {

    private static final Pattern BREAKS = Pattern.compile("(?i)<(br|/p|/div|/tr|/li)[^>]{0,200}>");
    private static final Pattern TAGS = Pattern.compile("<[^>]{0,2000}>");
    private static final Pattern STYLE =
            Pattern.compile("(?is)<(style|script)[^>]{0,200}>.{0,20000}?</(style|script)>");

    private HtmlText() {}

    static String strip(String html) {
        String s = STYLE.matcher(html).replaceAll(" ");
        s = BREAKS.matcher(s).replaceAll("\n");
        s = TAGS.matcher(s).replaceAll(" ");
        return s.replace("&lt;", "<")
                .replace("&gt;", ">")
                .replace("&nbsp;", " ")
                .replace("&quot;", "\"")
                .replace("&#39;", "'")
                .replace("&amp;", "&");
    }
}
