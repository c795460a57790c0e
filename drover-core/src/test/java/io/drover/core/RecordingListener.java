package io.drover.core;

import io.drover.api.DroverEvent;
import io.drover.api.EventListener;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** Keeps every event, for assertions. */
final class RecordingListener implements EventListener {
    final List<DroverEvent> events = new CopyOnWriteArrayList<>();

    @Override
    public void on(DroverEvent event) {
        events.add(event);
    }

    <E extends DroverEvent> List<E> of(Class<E> type) {
        return events.stream().filter(type::isInstance).map(type::cast).toList();
    }
}
