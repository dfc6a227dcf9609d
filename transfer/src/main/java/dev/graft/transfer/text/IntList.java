package dev.graft.transfer.text;

import java.util.Arrays;

/** A growable {@code int} array: token ids collected without boxing. */
final class IntList {
    private int[] data;
    private int size;

    IntList(int capacity) {
        data = new int[Math.max(capacity, 4)];
    }

    void add(int v) {
        if (size == data.length) {
            data = Arrays.copyOf(data, data.length * 2);
        }
        data[size++] = v;
    }

    int size() {
        return size;
    }

    int get(int i) {
        return data[i];
    }

    /** Keeps {@code n} elements, the first ones ({@link Side#RIGHT} cut) or the last ones ({@link Side#LEFT} cut). */
    void keep(int n, Side cut) {
        if (n >= size) {
            return;
        }
        if (cut == Side.LEFT) {
            System.arraycopy(data, size - n, data, 0, n);
        }
        size = n;
    }

    void copyTo(int[] dst, int at) {
        System.arraycopy(data, 0, dst, at, size);
    }
}
