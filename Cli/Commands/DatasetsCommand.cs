using System.CommandLine;
using NeuralPipelines.Cli.Commands.Classic;
using NeuralPipelines.Data.Catalog;
using NeuralPipelines.Data.Csv;
using NeuralPipelines.Data;
using NeuralPipelines.Data.Datasets;
using NeuralPipelines.Data.Images;
using Spectre.Console;

namespace NeuralPipelines.Cli.Commands;

/// <summary><c>np datasets list | fetch | info</c>: which datasets this machine has, downloading one, and what one holds.</summary>
public sealed class DatasetsCommand : ICliCommand
{
    public string Name => "datasets";

    public Command Create(CliContext context)
    {
        var command = new Command(Name,
            "Find, download and describe datasets. Names: mnist (10,000 digits shipped with np), fashion-mnist " +
            "(looked for in $NP_DATA_DIR/fashion-mnist, the per-user cache, /usr/share/datasets/fashion-mnist; otherwise " +
            $"downloaded from its public location into the cache, each file's SHA-256 checked); the shipped tables {TabularOptions.ShippedTableNames}; " +
            $"the shipped photos for colorization ({PhotoNames}). Anywhere a dataset is " +
            "expected you may also give a folder holding MNIST-style IDX files or a .csv file with a header row.");
        command.Subcommands.Add(List(context));
        command.Subcommands.Add(Fetch(context));
        command.Subcommands.Add(Info(context));
        return command;
    }

    private static Command List(CliContext context)
    {
        var json = CliContext.JsonOption();
        var command = new Command("list", "List the image datasets np knows by name: where each was found on this machine, or where a fetch would put it. " +
            $"The shipped tables ({TabularOptions.ShippedTableNames}) are always there: np datasets info NAME describes one.") { json };
        context.SetAction(command, parse =>
        {
            var catalog = new DatasetCatalog();
            var rows = catalog.Known.Select(k =>
            {
                var found = catalog.FindLocal(k);
                return new ListedDataset(k.Name, k.Summary, found is not null, found?.Origin.ToString(), found?.Path,
                    found is null && k.Download is not null ? catalog.Paths.CacheFolder(k.Name) : null,
                    k.Download?.BaseUrl());
            }).ToList();
            // The shipped photo sets are image datasets np knows by name too (np train colorize --data photos).
            foreach (var (photoName, summary) in ShippedPhotos)
            {
                var path = ShippedData.PhotoFolderPath(photoName);
                rows.Add(new ListedDataset(photoName, summary, true, DatasetOrigin.Shipped.ToString(), path, null, null));
            }
            if (parse.GetValue(json))
            {
                context.WriteJson(new { datasets = rows, cache = catalog.Paths.CacheRoot, data_dir = catalog.Paths.DataDirectory });
                return 0;
            }
            var table = new Table().AddColumns("name", "where", "what");
            foreach (var r in rows)
                table.AddRow(Markup.Escape(r.Name),
                    r.Present ? $"{Markup.Escape(r.Path!)} [grey]({r.Origin})[/]" : $"[yellow]not present[/]; would download to {Markup.Escape(r.WouldDownloadTo!)}",
                    Markup.Escape(r.Summary));
            context.Console(json: false).Write(table);
            return 0;
        });
        return command;
    }

    private static Command Fetch(CliContext context)
    {
        var json = CliContext.JsonOption();
        var name = new Argument<string>("name") { Description = "The dataset to fetch (fashion-mnist)." };
        var url = new Option<string?>("--url") { HelpName = "BASE", Description = $"Base URL to download from instead of the standard location (also ${FashionMnistSource.UrlVariable})." };
        var to = new Option<string?>("--to") { HelpName = "DIR", Description = "Download into this folder, even if a copy exists elsewhere (default: the per-user cache, and only when no copy is found)." };
        var command = new Command("fetch", "Make a dataset available on this machine: report where it already is, or download it with a progress bar. " +
            "Each file is downloaded to a temporary name and kept only when its SHA-256 matches.") { name, url, to, json };
        context.SetAction(command, parse =>
        {
            bool asJson = parse.GetValue(json);
            var catalog = new DatasetCatalog();
            var requested = parse.GetValue(name)!;
            var folder = parse.GetValue(to);
            // A shipped table is already here (it was called unknown); it has no download to put elsewhere.
            if (NeuralPipelines.Data.ShippedData.Tables.ContainsKey(requested))
            {
                var table = catalog.ResolveLocal(requested);
                if (folder is not null)
                    throw new ArgumentException($"--to {folder}: {requested} is a table shipped with np ({table.Path}); there is nothing to download.");
                if (asJson) context.WriteJson(new { name = table.Name, path = table.Path, origin = table.Origin.ToString(), downloaded = false });
                else context.Out.WriteLine($"{table.Name} is a table shipped with np: {table.Path}; nothing to download.");
                return 0;
            }
            if (ShippedData.PhotoFolders.ContainsKey(requested))
            {
                var path = ShippedData.PhotoFolderPath(requested)!;
                if (folder is not null)
                    throw new ArgumentException($"--to {folder}: {requested} is a photo set shipped with np ({path}); there is nothing to download.");
                if (asJson) context.WriteJson(new { name = requested.ToLowerInvariant(), path, origin = DatasetOrigin.Shipped.ToString(), downloaded = false });
                else context.Out.WriteLine($"{requested.ToLowerInvariant()} is a photo set shipped with np: {path}; nothing to download.");
                return 0;
            }
            var known = catalog.Lookup(requested)
                ?? throw new ArgumentException($"Unknown dataset '{requested}': fetch knows {string.Join(", ", catalog.KnownNames)}; the tables {TabularOptions.ShippedTableNames} and the photos {PhotoNames} are shipped with np.");
            var existing = folder is null ? catalog.FindLocal(known) : null;
            var location = existing ?? DownloadProgressBar.Run(context.Console(asJson), progress =>
                folder is null
                    ? catalog.Fetch(known, progress, parse.GetValue(url))
                    : catalog.FetchInto(known, folder, progress, parse.GetValue(url)));
            if (asJson)
                context.WriteJson(new { name = location.Name, path = location.Path, origin = location.Origin.ToString(), downloaded = existing is null });
            else if (existing is not null)
                context.Out.WriteLine($"{location.Name} is already on this machine: {location.Path} ({location.Origin}); nothing to download.");
            else
                context.Out.WriteLine($"{location.Name}: downloaded and verified into {location.Path}.");
            return 0;
        });
        return command;
    }

    private static Command Info(CliContext context)
    {
        var json = CliContext.JsonOption();
        var target = new Argument<string>("dataset") { Description = $"A dataset name (mnist, fashion-mnist, a shipped table: {TabularOptions.ShippedTableNames}, or the shipped photos: {PhotoNames}), a folder of IDX files, a folder of photos, or a .csv file." };
        var command = new Command("info", "Describe a dataset: for IDX images the train/test counts, image shape and classes (reading and checking every file); " +
            "for a folder of photos (PNG, JPEG, BMP; flat, with train/ and test/, or one sub-folder per class) the images in each split, their sizes and formats (from every file's header); " +
            "for a CSV file its columns and rows. Does not download: use `np datasets fetch` first.") { target, json };
        context.SetAction(command, parse =>
        {
            var catalog = new DatasetCatalog();
            var requested = parse.GetValue(target)!;
            object info = PhotoFolder(requested) is { } photos ? DescribePhotos(photos.Name, photos.Path, photos.Origin)
                : catalog.ResolveLocal(requested) is var location && location.Kind == DatasetKind.IdxImages ? DescribeImages(catalog, location)
                : DescribeCsv(location);
            if (parse.GetValue(json)) { context.WriteJson(info); return 0; }
            var console = context.Console(json: false);
            var grid = new Grid().AddColumn().AddColumn();
            foreach (var p in info.GetType().GetProperties())
                grid.AddRow(Markup.Escape(p.Name), Markup.Escape(Format(p.GetValue(info))));
            console.Write(grid);
            return 0;
        });
        return command;
    }

    private static readonly (string Name, string Summary)[] ShippedPhotos =
        [("photos", "320 colour photographs, 64×64 crops, shipped with np for colorization (256 train / 64 test; attribution in photos.csv)")];

    private static string PhotoNames => string.Join(", ", ShippedData.PhotoFolders.Keys);

    /// <summary>A shipped photo set by name, or a folder that holds images and no IDX file; null for anything else, which
    /// the dataset catalog resolves (and names when it cannot).</summary>
    private static (string Name, string Path, DatasetOrigin Origin)? PhotoFolder(string requested)
    {
        if (ShippedData.PhotoFolderPath(requested) is { } shipped) return (requested.ToLowerInvariant(), shipped, DatasetOrigin.Shipped);
        if (!Directory.Exists(requested) || IdxImageFolder.HoldsAny(requested)) return null;
        bool holdsImages = Directory.EnumerateFiles(requested, "*", SearchOption.AllDirectories).Any(ImageFile.HasImageExtension);
        return holdsImages ? (Path.GetFileName(Path.TrimEndingDirectorySeparator(Path.GetFullPath(requested))), requested, DatasetOrigin.Path) : null;
    }

    private static PhotoDatasetInfo DescribePhotos(string name, string path, DatasetOrigin origin)
    {
        var summary = ImageFolderSummary.Of(path);
        return new PhotoDatasetInfo(name, "images", path, origin.ToString(), summary.Splits.Values.Sum(), summary.Splits,
            summary.Sizes, summary.Formats, summary.ClassNames);
    }

    private static ImageDatasetInfo DescribeImages(DatasetCatalog catalog, DatasetLocation location)
    {
        var split = IdxImageFolder.Load(location.Path, location.Name);
        var names = catalog.Lookup(location.Name)?.ClassNames;
        return new ImageDatasetInfo(location.Name, "idx-images", location.Path, location.Origin.ToString(),
            split.Train.Count, split.Test.Count, [split.Train.Channels, split.Train.Height, split.Train.Width],
            split.Train.Classes, names, Histogram(split.Train), Histogram(split.Test));
    }

    private static int[] Histogram(LabelledImages set)
    {
        var counts = new int[set.Classes];
        foreach (int l in set.Labels) counts[l]++;
        return counts;
    }

    private static CsvInfo DescribeCsv(DatasetLocation location)
    {
        // Reads the whole table, so a bad cell is reported here (file, line, column) rather than at training time.
        var table = CsvReader.Read(location.Path);
        return new CsvInfo(location.Name, "csv", location.Path, table.ColumnNames.Count, [.. table.ColumnNames], table.RowCount);
    }

    // A list in the text view stops after this many items: a CSV of 20,000 columns took five minutes to lay out as one
    // wrapped cell (and 200,000 never finished). --json lists every item.
    private const int ListedItems = 50;

    private static string Format(object? value) => value switch
    {
        null => "",
        string s => s,
        IReadOnlyDictionary<string, int> counts => string.Join(", ", counts.Select(kv => $"{kv.Key} {kv.Value:N0}")),
        System.Collections.IEnumerable e => Shortened(e.Cast<object>().ToList()),
        _ => value.ToString() ?? "",
    };

    private static string Shortened(List<object> items) =>
        items.Count <= ListedItems
            ? string.Join(", ", items)
            : $"{string.Join(", ", items.Take(ListedItems))}, … ({items.Count - ListedItems:N0} more; --json lists all)";

    private sealed record ListedDataset(string Name, string Summary, bool Present, string? Origin, string? Path, string? WouldDownloadTo, string? Url);

    private sealed record ImageDatasetInfo(string Name, string Kind, string Path, string Origin, int Train, int Test,
        int[] ImageShape, int Classes, IReadOnlyList<string>? ClassNames, int[] TrainLabelCounts, int[] TestLabelCounts);

    private sealed record PhotoDatasetInfo(string Name, string Kind, string Path, string Origin, int Images,
        IReadOnlyDictionary<string, int> Splits, IReadOnlyList<string> Sizes, IReadOnlyList<string> Formats, IReadOnlyList<string>? ClassNames);

    private sealed record CsvInfo(string Name, string Kind, string Path, int ColumnCount, string[] Columns, long Rows);
}
