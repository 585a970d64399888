package io.qshampoo.verify;

import java.util.concurrent.Callable;

import picocli.CommandLine.Command;

@Command(name = "memory", mixinStandardHelpOptions = true, description = "work in progress")
final class MemoryCommand implements Callable<Integer> {
    @Override
    public Integer call() {
        return 0;
    }
}
