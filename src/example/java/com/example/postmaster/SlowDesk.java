package com.example.postmaster;

import io.postmaster.spi.WampProcedure;
import jakarta.enterprise.context.ApplicationScoped;

/** A procedure that takes its time, to show a caller's timeout (a bridged call gets HTTP 504). */
@ApplicationScoped
public class SlowDesk {

    @WampProcedure(value = "com.example.slow", roles = "member")
    public String slow(long millis) throws InterruptedException {
        Thread.sleep(Math.min(millis, 5_000));
        return "done";
    }
}
