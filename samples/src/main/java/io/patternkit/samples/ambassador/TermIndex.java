package io.patternkit.samples.ambassador;

import io.patternkit.samples.search.SearchShard;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The key-value workload of the ambassador sample: each term of the corpus (as the search sample
 * analyses source code) mapped to the files that contain it, the first {@value #LISTED} listed.
 * Saved as tab-separated lines ({@code term, count, file,file,...}) so that each shard's service
 * loads only its own terms.
 *
 * @param entries the entries by term
 */
public record TermIndex(Map<String, Entry> entries) {
    /** Files listed per term; the count says how many there are. */
    static final int LISTED = 20;

    /**
     * One term's documents.
     *
     * @param count how many files contain the term
     * @param files the first {@value #LISTED} of them, sorted
     */
    public record Entry(int count, List<String> files) {
    }

    /**
     * Indexes files.
     *
     * @param root the corpus root, for relative names
     * @param files the files
     * @return the index of every term found
     */
    static TermIndex build(Path root, List<Path> files) {
        Map<String, TreeSet<String>> docs = new TreeMap<>();
        for (Path file : files) {
            String name = root.relativize(file).toString();
            String text;
            try {
                text = Files.readString(file, StandardCharsets.ISO_8859_1); // any byte decodes: the corpus is not all UTF-8
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            for (String term : new TreeSet<>(SearchShard.terms(text))) {
                docs.computeIfAbsent(term, t -> new TreeSet<>()).add(name);
            }
        }
        Map<String, Entry> entries = new LinkedHashMap<>();
        docs.forEach((term, names) -> entries.put(term, new Entry(names.size(), names.stream().limit(LISTED).toList())));
        return new TermIndex(entries);
    }

    /**
     * Chooses the keys a run looks up: every n-th term found in at least two files, in term order.
     *
     * @param count how many keys
     * @return the keys
     */
    List<String> sample(int count) {
        List<String> common = entries.entrySet().stream().filter(e -> e.getValue().count() >= 2).map(Map.Entry::getKey).toList();
        List<String> keys = new ArrayList<>(count);
        double step = Math.max(1.0, common.size() / (double) count);
        for (double i = 0; i < common.size() && keys.size() < count; i += step) {
            keys.add(common.get((int) i));
        }
        return keys;
    }

    /**
     * Writes the entries of some terms.
     *
     * @param file the file
     * @param terms the terms to write
     */
    void save(Path file, Collection<String> terms) throws IOException {
        StringBuilder out = new StringBuilder();
        for (String term : terms) {
            Entry e = entries.get(term);
            out.append(term).append('\t').append(e.count()).append('\t').append(String.join(",", e.files())).append('\n');
        }
        Files.writeString(file, out, StandardCharsets.UTF_8);
    }

    /**
     * Reads what {@link #save} wrote.
     *
     * @param file the file
     * @return the index
     */
    static TermIndex load(Path file) throws IOException {
        Map<String, Entry> entries = new LinkedHashMap<>();
        for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
            String[] cols = line.split("\t", 3);
            entries.put(cols[0], new Entry(Integer.parseInt(cols[1]), cols[2].isEmpty() ? List.of() : List.of(cols[2].split(","))));
        }
        return new TermIndex(entries);
    }
}
