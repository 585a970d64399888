package io.qshampoo.verify;

import java.util.concurrent.Callable;

import picocli.CommandLine.Command;

@Command(name = "feedback", mixinStandardHelpOptions = true, description = "work in progress")
final class FeedbackCommand implements Callable<Integer> {
    @Override
    public Integer call() {
        return 0;
    }
}
