package dev.graft.transfer.data;

import java.io.BufferedInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;
import java.util.zip.ZipException;

/**
 * Reads and writes IDX files, the format of MNIST and Fashion-MNIST: a magic number
 * {@code 0x00 0x00 <type> <ndim>}, {@code ndim} big-endian unsigned 32-bit dimensions, then the
 * elements in row-major order. Gzipped files are recognised by their magic bytes, not their name.
 *
 * <p>Reading is strict: the header is validated before anything is allocated, a payload larger
 * than a limit is refused, and short or over-long files are errors rather than silently
 * truncated or padded data.
 */
public final class Idx {

    /** The default ceiling on the payload size: comfortably above the 47 MB of MNIST's training images. */
    public static final long DEFAULT_MAX_BYTES = 1L << 30;

    /** More dimensions than any IDX file in use has; a larger count means a corrupt header. */
    public static final int MAX_DIMS = 8;

    private static final int GZIP_MAGIC_0 = 0x1F;
    private static final int GZIP_MAGIC_1 = 0x8B;
    private static final long MAX_ARRAY_BYTES = Integer.MAX_VALUE - 8;

    private Idx() {
    }

    /**
     * Reads an IDX file, gzipped or not, with the {@linkplain #DEFAULT_MAX_BYTES default size limit}.
     *
     * @throws MalformedDataException if the file is not a valid IDX file, naming what is wrong
     * @throws IOException if the file cannot be read
     */
    public static IdxArray read(Path file) throws IOException {
        return read(file, DEFAULT_MAX_BYTES);
    }

    /**
     * Reads an IDX file, gzipped or not.
     *
     * @param maxBytes the largest payload accepted; larger declared sizes are refused before allocating
     * @throws MalformedDataException if the file is not a valid IDX file or its payload exceeds {@code maxBytes}
     * @throws IOException if the file cannot be read
     */
    public static IdxArray read(Path file, long maxBytes) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            return read(in, file.toString(), maxBytes, Files.size(file));
        }
    }

    /**
     * Reads one IDX file from a stream, gzipped or not; the stream must end with the payload.
     *
     * @param in the stream, not closed by this method
     * @param source a name for the stream, used in error messages
     * @param maxBytes the largest payload accepted
     * @throws MalformedDataException if the data is not a valid IDX file or its payload exceeds {@code maxBytes}
     * @throws IOException if the stream fails
     */
    public static IdxArray read(InputStream in, String source, long maxBytes) throws IOException {
        return read(in, source, maxBytes, -1);
    }

    private static IdxArray read(InputStream raw, String source, long maxBytes, long fileSize) throws IOException {
        if (maxBytes < 0 || maxBytes > MAX_ARRAY_BYTES) {
            throw new IllegalArgumentException("Idx.read: maxBytes " + maxBytes + " is outside [0, " + MAX_ARRAY_BYTES + "]");
        }
        BufferedInputStream buffered = new BufferedInputStream(raw);
        buffered.mark(2);
        int b0 = buffered.read();
        int b1 = buffered.read();
        buffered.reset();
        if (b0 != GZIP_MAGIC_0 || b1 != GZIP_MAGIC_1) {
            return readPlain(buffered, source, maxBytes, fileSize);
        }
        try {
            return readPlain(new GZIPInputStream(buffered), source + " (gzip)", maxBytes, -1);
        } catch (ZipException | EOFException e) {
            throw new MalformedDataException(source + ": corrupt or truncated gzip stream (" + e.getMessage() + ")", e);
        }
    }

    private static IdxArray readPlain(InputStream in, String source, long maxBytes, long fileSize) throws IOException {
        byte[] magic = new byte[4];
        int got = in.readNBytes(magic, 0, 4);
        if (got < 4) {
            throw new MalformedDataException(source + ": " + got + " bytes, too short for the 4-byte IDX magic number");
        }
        if (magic[0] != 0 || magic[1] != 0) {
            throw new MalformedDataException(source + ": bad IDX magic number " + hex(magic)
                    + ", expected 00 00 <type> <ndim> (or a gzip stream starting 1f 8b)");
        }
        IdxType type = IdxType.fromCode(magic[2] & 0xFF);
        if (type == null) {
            throw new MalformedDataException(source + ": unknown IDX element type 0x" + String.format("%02x", magic[2] & 0xFF)
                    + ", expected one of 0x08, 0x09, 0x0b, 0x0c, 0x0d, 0x0e");
        }
        int ndim = magic[3] & 0xFF;
        if (ndim < 1 || ndim > MAX_DIMS) {
            throw new MalformedDataException(source + ": IDX header declares " + ndim + " dimensions, expected 1 to " + MAX_DIMS);
        }
        int[] dims = new int[ndim];
        long count = 1;
        boolean overflow = false;
        for (int i = 0; i < ndim; i++) {
            byte[] d = in.readNBytes(4);
            if (d.length < 4) {
                throw new MalformedDataException(source + ": file ends inside the IDX header (dimension " + i + " of " + ndim + ")");
            }
            long v = ((d[0] & 0xFFL) << 24) | ((d[1] & 0xFFL) << 16) | ((d[2] & 0xFFL) << 8) | (d[3] & 0xFFL);
            if (v > Integer.MAX_VALUE) {
                throw new MalformedDataException(source + ": IDX dimension " + i + " is " + v + ", larger than " + Integer.MAX_VALUE);
            }
            dims[i] = (int) v;
            // Saturate instead of overflowing so the size check below still fires.
            if (!overflow && v != 0 && count > Long.MAX_VALUE / 8 / v) {
                overflow = true;
            }
            count = overflow ? Long.MAX_VALUE / 8 : count * v;
        }
        long bytes = overflow ? Long.MAX_VALUE : count * type.bytes();
        if (bytes > maxBytes) {
            throw new MalformedDataException(source + ": IDX header declares " + type + " " + Arrays.toString(dims) + ", "
                    + (overflow ? "an overflowing number of" : String.valueOf(bytes)) + " bytes, more than the limit of "
                    + maxBytes + " bytes");
        }
        long headerBytes = 4L + 4L * ndim;
        if (fileSize >= 0 && fileSize != headerBytes + bytes) {
            throw new MalformedDataException(source + ": file has " + fileSize + " bytes, expected " + (headerBytes + bytes)
                    + " (" + headerBytes + " header + " + bytes + " for " + type + " " + Arrays.toString(dims) + ")");
        }
        // readNBytes grows its buffer as data arrives, so a lying header costs no more memory than the file holds.
        byte[] payload = in.readNBytes((int) bytes);
        if (payload.length < bytes) {
            throw new MalformedDataException(source + ": truncated, " + payload.length + " payload bytes, expected " + bytes
                    + " for " + type + " " + Arrays.toString(dims));
        }
        if (in.read() != -1) {
            throw new MalformedDataException(source + ": data continues after the " + bytes + " payload bytes that "
                    + type + " " + Arrays.toString(dims) + " needs");
        }
        return IdxArray.of(type, payload, dims);
    }

    /**
     * Writes an IDX file.
     *
     * @param file the destination, replaced if it exists
     * @param array what to write
     * @param gzip whether to gzip the file
     * @throws IOException if the file cannot be written
     */
    public static void write(Path file, IdxArray array, boolean gzip) throws IOException {
        try (OutputStream out = Files.newOutputStream(file)) {
            write(out, array, gzip);
        }
    }

    /**
     * Writes one IDX file to a stream.
     *
     * @param out the stream, not closed by this method
     * @param array what to write
     * @param gzip whether to gzip the data
     * @throws IOException if the stream fails
     */
    public static void write(OutputStream out, IdxArray array, boolean gzip) throws IOException {
        int[] dims = array.dims();
        if (dims.length > MAX_DIMS) {
            throw new IllegalArgumentException("Idx.write: " + dims.length + " dimensions, at most " + MAX_DIMS + " supported");
        }
        byte[] header = new byte[4 + 4 * dims.length];
        header[2] = (byte) array.type().code();
        header[3] = (byte) dims.length;
        for (int i = 0; i < dims.length; i++) {
            header[4 + 4 * i] = (byte) (dims[i] >>> 24);
            header[5 + 4 * i] = (byte) (dims[i] >>> 16);
            header[6 + 4 * i] = (byte) (dims[i] >>> 8);
            header[7 + 4 * i] = (byte) dims[i];
        }
        if (gzip) {
            GZIPOutputStream z = new GZIPOutputStream(out);
            z.write(header);
            z.write(array.payloadView());
            z.finish();
        } else {
            out.write(header);
            out.write(array.payloadView());
        }
        out.flush();
    }

    private static String hex(byte[] bytes) {
        StringBuilder sb = new StringBuilder();
        for (byte b : bytes) {
            sb.append(sb.length() == 0 ? "" : " ").append(String.format("%02x", b & 0xFF));
        }
        return sb.toString();
    }
}
