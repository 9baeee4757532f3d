package io.patternkit.sidecar.adapter.scrape;

import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.config.NamingConvention;
import io.prometheus.metrics.model.snapshots.PrometheusNaming;

/**
 * The Prometheus family a Micrometer meter is served in: its name as the registry's naming convention spells it
 * ({@code orders.placed} a counter: {@code orders_placed_total}), without the suffix the Prometheus client adds to a
 * family's samples ({@code orders_placed}). Two meters of one family clash in a scrape, whatever their types, and so
 * do a meter and a scraped family of that name: the one question both the statsd receiver and the scrapes ask.
 */
public final class FamilyName {
    private FamilyName() {
    }

    /**
     * @param convention the registry's naming convention
     * @param id a meter's id
     * @return the family's name
     */
    public static String of(NamingConvention convention, Meter.Id id) {
        return of(convention, id.getName(), id.getType(), id.getBaseUnit());
    }

    /**
     * @param convention the registry's naming convention
     * @param name the meter's name, in Micrometer's dotted form
     * @param type the meter's type
     * @param baseUnit its base unit, or null
     * @return the family's name
     */
    public static String of(NamingConvention convention, String name, Meter.Type type, String baseUnit) {
        return PrometheusNaming.prometheusName(convention.name(name, type, baseUnit));
    }
}
