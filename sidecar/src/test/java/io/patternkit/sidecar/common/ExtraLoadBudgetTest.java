package io.patternkit.sidecar.common;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class ExtraLoadBudgetTest {
    private final AtomicLong nanos = new AtomicLong(-7); // any origin: only differences count
    private final ExtraLoadBudget budget = new ExtraLoadBudget(2, nanos::get);

    private int spendAll() {
        int spent = 0;
        while (budget.trySpend()) {
            spent++;
        }
        return spent;
    }

    private void earn(int firstRequests, double percent) {
        for (int i = 0; i < firstRequests; i++) {
            budget.earn(percent);
        }
    }

    private void spendThreeHedgesAtTheirDelay() {
        for (int i = 0; i < 3; i++) {
            assertThat(budget.tryHedge(1.0)).isZero();
        }
    }

    private void advance(Duration d) {
        nanos.addAndGet(d.toNanos());
    }

    @Test
    void withoutTrafficOnlyTheReserveMaySpend() {
        assertThat(spendAll()).isEqualTo(2);
        earn(1_000, 0);
        assertThat(budget.trySpend()).isFalse();
    }

    @Test
    void aBurstSpendsEverythingTheWindowsTrafficEarnedAtOnce() {
        earn(1_000, 5); // 50 tokens: a capped bucket would have let 2 of them go back to back
        assertThat(spendAll()).isEqualTo(50 + 2);
    }

    @Test
    void fractionalDepositsAddUp() {
        earn(30, 10); // 3 tokens of thousandths, exactly
        assertThat(spendAll()).isEqualTo(3 + 2);
    }

    @Test
    void depositsExpireAfterTheWindow() {
        earn(1_000, 5);
        advance(ExtraLoadBudget.WINDOW.plusSeconds(1));
        assertThat(spendAll()).isEqualTo(2); // what old traffic earned does not pay for a storm later
    }

    @Test
    void withdrawalsExpireTooSoTheReserveComesBack() {
        assertThat(spendAll()).isEqualTo(2);
        advance(ExtraLoadBudget.WINDOW.minusSeconds(2));
        assertThat(budget.trySpend()).isFalse();
        advance(Duration.ofSeconds(3));
        assertThat(spendAll()).isEqualTo(2);
    }

    @Test
    void withinAWindowExtraRequestsStayWithinTheReservePlusThePercentage() {
        nanos.set(0); // windows aligned with the slots: a deposit then counts for the whole window
        ExtraLoadBudget aligned = new ExtraLoadBudget(2, nanos::get);
        int firstInWindow = 0;
        int spentInWindow = 0;
        for (int tick = 0; tick < 200; tick++) { // two windows of 100 tenths of a second, a window apart
            if (tick % 100 == 0) { // a fresh window, a whole window after the last one: all of that has expired
                firstInWindow = 0;
                spentInWindow = 0;
            }
            Duration windowStart = ExtraLoadBudget.WINDOW.multipliedBy(1 + 2L * (tick / 100));
            nanos.set(windowStart.plusMillis(100L * (tick % 100)).toNanos());
            for (int i = 0; i < 50; i++) {
                aligned.earn(5);
            }
            firstInWindow += 50;
            while (aligned.trySpend()) {
                spentInWindow++;
            }
            assertThat(spentInWindow).isLessThanOrEqualTo(2 + firstInWindow * 5 / 100);
        }
        assertThat(spentInWindow).isEqualTo(2 + firstInWindow * 5 / 100); // and all of it was there to spend
    }

    @Test
    void asTheAllowanceRunsDownOnlyALaterRequestMayBeHedged() {
        earn(1_000, 0.2); // 2 tokens and the reserve of 2: an allowance of 4
        assertThat(budget.requiredOverdue()).isEqualTo(1.0);
        assertThat(budget.tryHedge(1.0)).isZero();
        assertThat(budget.tryHedge(1.0)).isZero();
        assertThat(budget.requiredOverdue()).as("half of the allowance left: any due hedge still").isEqualTo(1.0);
        assertThat(budget.tryHedge(1.0)).isZero();
        assertThat(budget.requiredOverdue()).as("a quarter left: 4 / (2 x 1)").isEqualTo(2.0);
        assertThat(budget.tryHedge(1.99)).isPositive();
        assertThat(budget.tryHedge(1.5)).as("half a delay more to wait").isEqualTo(0.5);
        assertThat(budget.tryHedge(2.0)).isZero();
        assertThat(budget.requiredOverdue()).isInfinite();
        assertThat(budget.tryHedge(Double.MAX_VALUE)).isInfinite();
    }

    @Test
    void theBarFallsAgainAsWithdrawalsExpire() {
        earn(1_000, 0.2);
        spendThreeHedgesAtTheirDelay();
        assertThat(budget.requiredOverdue()).isEqualTo(2.0);
        advance(ExtraLoadBudget.WINDOW.plusSeconds(1));
        earn(1_000, 0.2);
        assertThat(budget.requiredOverdue()).isEqualTo(1.0);
    }

    @Test
    void anExtraRequestThatIsNotAHedgeIgnoresTheBar() {
        earn(1_000, 0.2);
        spendThreeHedgesAtTheirDelay();
        assertThat(budget.requiredOverdue()).isEqualTo(2.0);
        assertThat(budget.trySpend()).as("a retry: spends while a token is left, however late").isTrue();
        assertThat(budget.trySpend()).isFalse();
    }

    @Test
    void refusesAReserveBelowOne() {
        assertThatThrownBy(() -> new ExtraLoadBudget(0, nanos::get)).isInstanceOf(IllegalArgumentException.class);
    }
}
