import ArgumentParser
import BerthClient
import BerthCore
import Foundation

/// `berth model …`, shaped like `az ml model`.
struct ModelCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "model",
        abstract: "Register, list, show, download and delete models.",
        subcommands: [Register.self, List.self, Show.self, Download.self, Delete.self, ModelDeployCommand.self]
    )

    struct Register: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Register a file or a folder as a new version of a model.",
            discussion: "The version auto-increments per name. Files are stored by SHA-256 in the workspace.")

        @Option(name: [.short, .long], help: "Model name: letters, digits, '-', '.', '_', up to 255 characters.")
        var name: String
        @Option(
            name: [.customShort("p"), .customLong("model-path"), .customLong("asset-path")],
            help: "The file or folder to register.")
        var modelPath: String
        @Option(name: [.short, .long], help: "A description.")
        var description: String?
        @Option(name: .long, help: "A tag key=value (repeatable).")
        var tag: [String] = []
        @Option(name: .long, help: "A property key=value (repeatable).")
        var property: [String] = []
        @OptionGroup var global: GlobalOptions

        func run() async throws {
            let tags = try parseKeyValues(tag, kind: "tags")
            let properties = try parseKeyValues(property, kind: "properties")
            // Refuse a bad name before uploading anything: the server would refuse it after the upload.
            try NameKind.model.validate(name)
            let client = try global.client()
            let source = URL(fileURLWithPath: modelPath).standardizedFileURL
            let (files, isFolder) = try ModelFiles.list(source)
            let total = files.reduce(Int64(0)) { $0 + $1.size }
            if global.output == .table {
                FileHandle.standardError.write(
                    Data("Uploading \(files.count) file\(files.count == 1 ? "" : "s") (\(Output.bytes(total)))…\n".utf8)
                )
            }
            var uploaded: [ArtifactFile] = []
            for file in files {
                let result = try await client.uploadArtifact(at: file.url)
                uploaded.append(
                    ArtifactFile(path: file.relativePath, digest: result.digest, sizeBytes: result.sizeBytes))
            }
            let model = try await client.registerModel(
                RegisterModelRequest(
                    name: name, description: description, kvTags: tags, properties: properties, isFolder: isFolder,
                    files: uploaded))
            try ModelCommand.print(model, global.output)
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List registered models.")
        @Option(name: [.short, .customLong("model-name")], help: "Only versions of this model.")
        var name: String?
        @Option(name: .long, help: "Only models with this tag: key or key=value.")
        var tag: String?
        @OptionGroup var global: GlobalOptions

        func run() async throws {
            let models = try await global.client().models(name: name, tag: tag)
            if global.output.isStructured { return try Output.structured(global.output, models) }
            Output.table(
                ["NAME", "VERSION", "FILES", "SIZE", "TAGS", "CREATED"],
                models.map { m in
                    [
                        m.name, String(m.version), String(m.files.count), Output.bytes(m.sizeBytes),
                        m.kvTags.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: ","),
                        Output.date(m.createdTime),
                    ]
                })
        }
    }

    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Show one model version.")
        @Option(name: [.customShort("i"), .customLong("model-id")], help: "name:version.")
        var modelID: String?
        @Option(name: [.short, .customLong("model-name")], help: "A model name (latest version unless --version).")
        var name: String?
        @Option(name: .long, help: "With --model-name: which version.")
        var version: Int?
        @OptionGroup var global: GlobalOptions

        func validate() throws {
            if (modelID == nil) == (name == nil) {
                throw ValidationError("Give either --model-id name:version or --model-name NAME [--version N].")
            }
        }

        func run() async throws {
            let id = modelID ?? (name! + (version.map { ":\($0)" } ?? ""))
            try ModelCommand.print(try await global.client().model(id: id), global.output)
        }
    }

    struct Download: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Download a model's files into a folder.")
        @Option(name: [.customShort("i"), .customLong("model-id")], help: "name:version.")
        var modelID: String
        @Option(name: [.short, .customLong("target-dir")], help: "Where to write the files.")
        var targetDir: String
        @Flag(name: .long, help: "Replace files that already exist.")
        var overwrite = false
        @OptionGroup var global: GlobalOptions

        func run() async throws {
            let client = try global.client()
            let model = try await client.model(id: modelID)
            let target = URL(fileURLWithPath: targetDir, isDirectory: true).standardizedFileURL
            for file in model.files {
                let destination = target.appendingPathComponent(file.path)
                if FileManager.default.fileExists(atPath: destination.path) && !overwrite {
                    throw ValidationError("'\(destination.path)' already exists; pass --overwrite to replace it.")
                }
            }
            for file in model.files {
                try ArtifactFile.validate(path: file.path)
                try await client.downloadArtifact(file, to: target.appendingPathComponent(file.path))
            }
            if global.output.isStructured {
                return try Output.structured(global.output, ["model": model.id, "targetDir": target.path])
            }
            Swift.print(
                "Downloaded \(model.id): \(model.files.count) file(s), \(Output.bytes(model.sizeBytes)) into \(target.path)"
            )
        }
    }

    struct Delete: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Delete a model version (refused while a service uses it).")
        @Option(name: [.customShort("i"), .customLong("model-id")], help: "name:version.")
        var modelID: String
        @OptionGroup var global: GlobalOptions

        func run() async throws {
            try await global.client().deleteModel(id: modelID)
            if global.output.isStructured { return try Output.structured(global.output, ["deleted": modelID]) }
            Swift.print("Deleted model '\(modelID)'.")
        }
    }

    static func print(_ model: Model, _ format: OutputFormat) throws {
        if format.isStructured { return try Output.structured(format, model) }
        Output.fields([
            ("id", model.id), ("name", model.name), ("version", String(model.version)),
            ("description", model.description ?? ""),
            ("tags", model.kvTags.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: ", ")),
            (
                "properties",
                model.properties.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: ", ")
            ),
            ("files", "\(model.files.count) (\(Output.bytes(model.sizeBytes)))"),
            ("created", Output.date(model.createdTime)),
        ])
        for file in model.files { Swift.print("  \(file.path)  \(Output.bytes(file.sizeBytes))  \(file.digest)") }
    }
}

/// The files under a path to register: the one file, or every regular file under a folder.
enum ModelFiles {
    struct Entry {
        var url: URL
        var relativePath: String
        var size: Int64
    }

    static func list(_ source: URL) throws -> (files: [Entry], isFolder: Bool) {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: source.path, isDirectory: &isDirectory) else {
            throw ValidationError("--model-path '\(source.path)' does not exist.")
        }
        if !isDirectory.boolValue {
            // Read through a symbolic link, but keep the name the user gave.
            let file = source.resolvingSymlinksInPath()
            return ([Entry(url: file, relativePath: source.lastPathComponent, size: try size(of: file))], false)
        }
        let baseURL = source.resolvingSymlinksInPath()
        let base = baseURL.path
        var entries: [Entry] = []
        guard
            let enumerator = FileManager.default.enumerator(
                at: baseURL, includingPropertiesForKeys: [.isRegularFileKey, .isSymbolicLinkKey])
        else { throw ValidationError("Cannot read the folder '\(source.path)'.") }
        for case let url as URL in enumerator {
            let values = try url.resourceValues(forKeys: [.isRegularFileKey, .isSymbolicLinkKey])
            let relative = url.path.hasPrefix(base + "/") ? String(url.path.dropFirst(base.count + 1)) : url.path
            var file = url
            if values.isSymbolicLink == true {
                // A linked file is registered with its bytes under the link's name (model caches
                // such as Hugging Face's are made of such links); nothing is skipped silently.
                file = url.resolvingSymlinksInPath()
                var targetIsDirectory: ObjCBool = false
                guard FileManager.default.fileExists(atPath: file.path, isDirectory: &targetIsDirectory) else {
                    throw ValidationError(
                        "'\(relative)' in --model-path '\(source.path)' is a broken symbolic link; fix or remove it.")
                }
                if targetIsDirectory.boolValue {
                    throw ValidationError(
                        "'\(relative)' in --model-path '\(source.path)' is a symbolic link to a folder, which Berth "
                            + "does not follow; copy that folder in, or register it as a model of its own.")
                }
            } else if values.isRegularFile != true {
                continue
            }
            entries.append(Entry(url: file, relativePath: relative, size: try size(of: file)))
        }
        guard !entries.isEmpty else { throw ValidationError("The folder '\(source.path)' holds no files to register.") }
        return (entries.sorted { $0.relativePath < $1.relativePath }, true)
    }

    static func size(of url: URL) throws -> Int64 {
        ((try FileManager.default.attributesOfItem(atPath: url.path))[.size] as? NSNumber)?.int64Value ?? 0
    }
}
