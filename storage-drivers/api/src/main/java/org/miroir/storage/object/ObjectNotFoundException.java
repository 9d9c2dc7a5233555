package org.miroir.storage.object;

import java.io.IOException;

/** No object has this key. */
public class ObjectNotFoundException extends IOException {
    public ObjectNotFoundException(String key) {
        super("no object with key " + key);
    }
}
