package io.longdoc.runtime;

import org.elasticsearch.common.util.concurrent.EsRejectedExecutionException;
import org.elasticsearch.core.Releasable;
import org.elasticsearch.rest.RestStatus;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class InferenceBudgetTests {

    @Test
    void reservationsAddUpAndReleaseOnce() {
        InferenceBudget budget = new InferenceBudget(100 << 20);
        Releasable first = budget.reserve(60 << 20, "pass A");
        var busy = assertThrows(EsRejectedExecutionException.class, () -> budget.reserve(50 << 20, "pass B"));
        assertEquals(RestStatus.TOO_MANY_REQUESTS, org.elasticsearch.ExceptionsHelper.status(busy), "a pass that does not fit now is a 429");
        assertTrue(busy.getMessage().contains("pass B needs about 50 MB") && busy.getMessage().contains("40 MB"), busy.getMessage());
        Releasable second = budget.reserve(40 << 20, "pass C");
        first.close();
        first.close(); // closing twice must not free memory that pass C holds
        assertEquals(40 << 20, budget.reservedBytes());
        second.close();
        assertEquals(0, budget.reservedBytes());
    }

    @Test
    void aPassBiggerThanTheWholeBudgetIsABadRequest() {
        InferenceBudget budget = new InferenceBudget(10 << 20);
        var never = assertThrows(IllegalArgumentException.class, () -> budget.reserve(11 << 20, "a forward pass of 9 tokens"));
        assertTrue(never.getMessage().contains("more than the node's whole budget"), never.getMessage());
        assertEquals(0, budget.reservedBytes());
    }
}
