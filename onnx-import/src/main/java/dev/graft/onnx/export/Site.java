package dev.graft.onnx.export;

import dev.graft.nn.Module;

/**
 * Where the exporter is in a module tree: the dotted path of the module being translated (as in
 * {@link Module#namedModules()}) and the module itself. Node and constant names derive from the
 * path the way PyTorch's exporter names them ({@code /0/MatMul}); messages name path and class.
 *
 * @param path the dotted path, {@code ""} for the module handed to the exporter
 * @param module the module
 */
record Site(String path, Module module) {

    /** @return the name prefix of this module's nodes: {@code "/0/1"} for path {@code "0.1"}, {@code ""} for the root */
    String scope() {
        return path.isEmpty() ? "" : "/" + path.replace('.', '/');
    }

    /** @return {@code "module '0.1' (dev.graft.nn.layers.Linear)"}, for messages */
    String describe() {
        return "module '" + (path.isEmpty() ? "<root>" : path) + "' (" + module.getClass().getName() + ")";
    }

    /** @return the site of a child module */
    Site child(String name, Module child) {
        return new Site(path.isEmpty() ? name : path + "." + name, child);
    }

    /** @return the dotted name of one of this module's parameters or buffers */
    String tensorName(String name) {
        return path.isEmpty() ? name : path + "." + name;
    }
}
