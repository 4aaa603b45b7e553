using NeuralPipelines.Data.Datasets;
using NeuralPipelines.Data.Download;

namespace NeuralPipelines.Data.Catalog;

/// <summary>Turns what a user types — a dataset name or a path — into a dataset on disk, downloading it when needed.</summary>
/// <remarks>Names: <c>mnist</c> (shipped) and <c>fashion-mnist</c> (searched for in <see cref="DatasetSearchPaths"/>,
/// otherwise downloaded into the per-user cache), and the shipped tables (<see cref="ShippedData.Tables"/>). Paths: any folder holding the four IDX files, any <c>.csv</c> file
/// with a header row. A name wins over a same-named folder in the working directory; write <c>./mnist</c> for the folder.</remarks>
public sealed class DatasetCatalog
{
    private readonly IReadOnlyList<KnownDataset> _known;

    public DatasetCatalog(DatasetSearchPaths? paths = null, IEnumerable<KnownDataset>? known = null, FileDownloader? downloader = null,
        ShippedDataSearch? shipped = null)
    {
        Paths = paths ?? DatasetSearchPaths.FromEnvironment();
        Shipped = shipped ?? ShippedData.Search;
        _known = (known ?? [KnownDataset.Mnist, KnownDataset.FashionMnist]).ToList();
        Downloader = downloader ?? new FileDownloader();
    }

    public DatasetSearchPaths Paths { get; }

    /// <summary>Where shipped names (<c>mnist</c>, the tables) are looked for; searched only when one is asked for.</summary>
    public ShippedDataSearch Shipped { get; }
    public FileDownloader Downloader { get; }
    public IReadOnlyList<KnownDataset> Known => _known;
    public IEnumerable<string> KnownNames => _known.Select(k => k.Name);

    public KnownDataset? Lookup(string name) =>
        _known.FirstOrDefault(k => string.Equals(k.Name, name, StringComparison.OrdinalIgnoreCase));

    /// <summary>Finds a known dataset on this machine without downloading; null when it would have to be fetched.</summary>
    public DatasetLocation? FindLocal(KnownDataset dataset)
    {
        if (dataset.ShippedFolder is not null && Shipped.TryFind(dataset.ShippedFolder) is { } shipped)
            return new DatasetLocation(dataset.Name, DatasetKind.IdxImages, shipped, DatasetOrigin.Shipped);
        foreach (var (folder, origin) in Paths.Candidates(dataset.Name))
            if (IdxImageFolder.Holds(folder))
                return new DatasetLocation(dataset.Name, DatasetKind.IdxImages, folder, origin);
        return null;
    }

    /// <summary>Resolves a name or a path, downloading a known dataset that is nowhere on this machine.</summary>
    /// <param name="nameOrPath">A known name, a folder of IDX files, or a .csv file.</param>
    /// <param name="progress">Receives download progress, if a download happens.</param>
    /// <param name="baseUrl">Overrides where a download comes from (else the dataset's environment variable, else its standard location).</param>
    public DatasetLocation Resolve(string nameOrPath, IProgress<DownloadProgress>? progress = null, string? baseUrl = null) =>
        Resolve(nameOrPath, known => Fetch(known, progress, baseUrl));

    /// <summary>Resolves a name or a path without downloading: a known dataset missing from this machine is an error
    /// that says how to fetch it.</summary>
    public DatasetLocation ResolveLocal(string nameOrPath) =>
        Resolve(nameOrPath, known => FindLocal(known) ?? throw NotOnThisMachine(known));

    private DatasetLocation Resolve(string nameOrPath, Func<KnownDataset, DatasetLocation> locateKnown)
    {
        if (string.IsNullOrWhiteSpace(nameOrPath))
            throw new ArgumentException($"No dataset given; name one of {string.Join(", ", KnownNames)}, or give a folder of IDX files or a .csv file.");
        var known = Lookup(nameOrPath);
        if (known is not null) return locateKnown(known);
        if (ShippedData.Tables.TryGetValue(nameOrPath, out var tableFile))
            return new DatasetLocation(nameOrPath.ToLowerInvariant(), DatasetKind.Csv, Shipped.Find(Path.Combine("tabular", tableFile)), DatasetOrigin.Shipped);

        if (Directory.Exists(nameOrPath))
        {
            IdxImageFolder.Files(nameOrPath); // throws naming the folder and the missing files
            return new DatasetLocation(FolderName(nameOrPath), DatasetKind.IdxImages, nameOrPath, DatasetOrigin.Path);
        }
        bool csv = nameOrPath.EndsWith(".csv", StringComparison.OrdinalIgnoreCase);
        if (File.Exists(nameOrPath))
        {
            if (!csv)
                throw new InvalidDataException($"{nameOrPath}: not a dataset: give a folder holding IDX files ({string.Join(", ", IdxImageFolder.Stems)}) or a .csv file with a header row.");
            CsvHeaderCheck.ReadColumnNames(nameOrPath);
            return new DatasetLocation(Path.GetFileNameWithoutExtension(nameOrPath), DatasetKind.Csv, nameOrPath, DatasetOrigin.Path);
        }
        if (csv) throw new FileNotFoundException($"{nameOrPath}: no such CSV file.", nameOrPath);
        throw new ArgumentException(
            $"Unknown dataset '{nameOrPath}': not a known name ({string.Join(", ", KnownNames)}; tables {string.Join(", ", ShippedData.Tables.Keys)}) and no folder or .csv file of that name exists.");
    }

    /// <summary>A known dataset's local copy, downloading it into the per-user cache when there is none.</summary>
    public DatasetLocation Fetch(KnownDataset dataset, IProgress<DownloadProgress>? progress = null, string? baseUrl = null)
    {
        var local = FindLocal(dataset);
        if (local is not null) return local;
        if (dataset.Download is null) throw NotOnThisMachine(dataset);
        return FetchInto(dataset, Paths.CacheFolder(dataset.Name), progress, baseUrl);
    }

    /// <summary>Downloads a known dataset into <paramref name="folder"/> whatever copies exist elsewhere; files already
    /// in the folder are kept (an interrupted fetch resumes).</summary>
    public DatasetLocation FetchInto(KnownDataset dataset, string folder, IProgress<DownloadProgress>? progress = null, string? baseUrl = null)
    {
        var download = dataset.Download
            ?? throw new InvalidOperationException($"{dataset.Name} ships with the project (in {FindLocal(dataset)?.Path ?? $"Data/files/{dataset.ShippedFolder}"}); there is nothing to download.");
        Downloader.Download(download.BaseUrl(baseUrl), download.Files, folder, progress);
        return new DatasetLocation(dataset.Name, DatasetKind.IdxImages, folder, DatasetOrigin.Downloaded);
    }

    /// <summary>Loads an image dataset (name or IDX folder) as its published train/test split.</summary>
    public TrainTestSplit LoadImages(string nameOrPath, IProgress<DownloadProgress>? progress = null, string? baseUrl = null)
    {
        var location = Resolve(nameOrPath, progress, baseUrl);
        if (location.Kind != DatasetKind.IdxImages)
            throw new InvalidDataException($"{location.Path}: is a CSV table, not an image dataset; give a folder of IDX files or one of {string.Join(", ", KnownNames)}.");
        return IdxImageFolder.Load(location.Path, location.Name);
    }

    /// <summary>Says every folder searched for a known dataset, and how to get it.</summary>
    private DirectoryNotFoundException NotOnThisMachine(KnownDataset known)
    {
        var searched = Paths.Candidates(known.Name).Select(c => c.Folder);
        if (known.ShippedFolder is not null)
            searched = Shipped.Folders.Select(f => Path.Combine(f, known.ShippedFolder)).Concat(searched);
        var remedy = known.Download is not null
            ? $"run `np datasets fetch {known.Name}` to download it into {Paths.CacheFolder(known.Name)}"
            : $"give the path of a folder holding its IDX files instead, or copy the NeuralPipelines repository's Data/files/{known.ShippedFolder} into one of those folders";
        return new DirectoryNotFoundException($"{known.Name} is not on this machine (searched {string.Join(", ", searched)}); {remedy}.");
    }

    private static string FolderName(string folder) =>
        Path.GetFileName(Path.TrimEndingDirectorySeparator(Path.GetFullPath(folder)));
}
