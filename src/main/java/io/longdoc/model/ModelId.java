package io.longdoc.model;

import java.util.regex.Pattern;

/** Model ids name a folder, so they are checked before they touch the filesystem: never a path, never hidden. */
public final class ModelId {

    public static final int MAX_LENGTH = 64;
    private static final Pattern VALID = Pattern.compile("[a-z0-9][a-z0-9._-]*");

    private ModelId() {}

    /** Returns the id when it is valid, otherwise throws an {@link IllegalArgumentException} that says why. */
    public static String validate(String id) {
        if (id == null || id.isEmpty()) {
            throw new IllegalArgumentException("model id must not be empty");
        }
        if (id.length() > MAX_LENGTH) {
            throw new IllegalArgumentException(
                "invalid model id [" + id.substring(0, 16) + "...]: longer than " + MAX_LENGTH + " characters (" + id.length() + ")"
            );
        }
        if (VALID.matcher(id).matches() == false) {
            throw new IllegalArgumentException(
                "invalid model id [" + id + "]: only lowercase letters, digits, '.', '_' and '-' are allowed, starting with a letter or digit"
            );
        }
        return id;
    }
}
