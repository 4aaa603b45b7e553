using NeuralPipelines.Data.Catalog;
using NeuralPipelines.Data.Datasets;
using NeuralPipelines.Data.Download;
using NeuralPipelines.Data.Tests.Download;
using NeuralPipelines.Tests;

namespace NeuralPipelines.Data.Tests.Catalog;

public class DatasetCatalogTests
{
    /// <summary>A catalog whose folders all live in a temporary folder and whose Fashion-MNIST comes from a local server.</summary>
    private static DatasetCatalog IsolatedCatalog(TempFolder tmp, string baseUrl, IReadOnlyList<RemoteFile> files, bool withDataDir = false)
    {
        var paths = new DatasetSearchPaths(withDataDir ? tmp.File("data") : null, tmp.File("cache"), tmp.File("system"));
        var fashion = KnownDataset.FashionMnist with
        {
            Download = new DownloadableDataset("fashion-mnist", baseUrl, "NP_TEST_UNSET_" + Guid.NewGuid().ToString("N"), files),
        };
        return new DatasetCatalog(paths, [KnownDataset.Mnist, fashion]);
    }

    [Fact]
    public void Mnist_is_the_shipped_folder_and_loads_8000_and_2000_digits()
    {
        var catalog = new DatasetCatalog(new DatasetSearchPaths(null, "/nonexistent/cache", null));
        var location = catalog.Resolve("MNIST");
        Assert.Equal((DatasetKind.IdxImages, DatasetOrigin.Shipped, "mnist"), (location.Kind, location.Origin, location.Name));
        Assert.Equal(ShippedData.Mnist, location.Path);
        var split = catalog.LoadImages("mnist");
        Assert.Equal((8000, 2000), (split.Train.Count, split.Test.Count));
    }

    [Fact]
    public void Fashion_mnist_is_downloaded_once_then_found_in_the_cache()
    {
        using var server = new LocalFileServer();
        using var tmp = new TempFolder();
        var data = new SyntheticIdxDataset(train: 9, test: 4);
        data.ServeAll(server);
        var catalog = IsolatedCatalog(tmp, server.BaseUrl, data.Files);
        var reports = new List<DownloadProgress>();

        var first = catalog.Resolve("fashion-mnist", new SynchronousProgress<DownloadProgress>(reports.Add));
        Assert.Equal(DatasetOrigin.Downloaded, first.Origin);
        Assert.Equal(tmp.File("cache/fashion-mnist"), first.Path);
        Assert.Equal(4, server.Requests.Count);
        Assert.Equal(4, reports.Count(r => r.Completed));

        var second = catalog.Resolve("fashion-mnist");
        Assert.Equal(DatasetOrigin.UserCache, second.Origin);
        Assert.Equal(4, server.Requests.Count); // no second request

        var split = catalog.LoadImages("fashion-mnist");
        Assert.Equal((9, 4, 6, 5), (split.Train.Count, split.Test.Count, split.Train.Height, split.Train.Width));
        Assert.Equal(4, server.Requests.Count);
    }

    [Fact]
    public void Resolving_without_download_says_how_to_fetch_a_missing_dataset()
    {
        using var server = new LocalFileServer();
        using var tmp = new TempFolder();
        var catalog = IsolatedCatalog(tmp, server.BaseUrl, new SyntheticIdxDataset().Files);
        var e = Assert.Throws<DirectoryNotFoundException>(() => catalog.ResolveLocal("fashion-mnist"));
        Assert.Contains("np datasets fetch fashion-mnist", e.Message);
        Assert.Contains(tmp.File("cache/fashion-mnist"), e.Message);
        Assert.Empty(server.Requests);
        Assert.Equal(DatasetOrigin.Shipped, catalog.ResolveLocal("mnist").Origin);
    }

    [Fact]
    public void Search_order_is_data_dir_then_cache_then_system_and_never_downloads_when_found()
    {
        using var server = new LocalFileServer(); // serves nothing: any download attempt fails
        using var tmp = new TempFolder();
        var data = new SyntheticIdxDataset();
        var catalog = IsolatedCatalog(tmp, server.BaseUrl, data.Files, withDataDir: true);

        data.WriteTo(tmp.File("system/fashion-mnist"));
        Assert.Equal(DatasetOrigin.System, catalog.Resolve("fashion-mnist").Origin);
        data.WriteTo(tmp.File("cache/fashion-mnist"));
        Assert.Equal(DatasetOrigin.UserCache, catalog.Resolve("fashion-mnist").Origin);
        data.WriteTo(tmp.File("data/fashion-mnist"));
        var found = catalog.Resolve("fashion-mnist");
        Assert.Equal((DatasetOrigin.DataDirectory, tmp.File("data/fashion-mnist")), (found.Origin, found.Path));
        Assert.Empty(server.Requests);
    }

    [Fact]
    public void A_failed_download_leaves_the_cache_without_the_dataset()
    {
        using var server = new LocalFileServer();
        using var tmp = new TempFolder();
        var data = new SyntheticIdxDataset();
        data.ServeAll(server);
        var files = data.Files.Select((f, i) => i == 3 ? f with { ContentSha256 = new string('a', 64) } : f).ToList();
        var catalog = IsolatedCatalog(tmp, server.BaseUrl, files);

        Assert.Throws<InvalidDataException>(() => catalog.Resolve("fashion-mnist"));
        Assert.Null(catalog.FindLocal(catalog.Lookup("fashion-mnist")!));
    }

    [Fact]
    public void The_base_url_comes_from_the_argument_then_the_environment_then_the_default()
    {
        var variable = "NP_TEST_URL_" + Guid.NewGuid().ToString("N");
        var d = new DownloadableDataset("x", "http://default/", variable, []);
        Assert.Equal("http://default/", d.BaseUrl());
        Environment.SetEnvironmentVariable(variable, "http://from-env/");
        try
        {
            Assert.Equal("http://from-env/", d.BaseUrl());
            Assert.Equal("http://given/", d.BaseUrl("http://given/"));
        }
        finally { Environment.SetEnvironmentVariable(variable, null); }
        Assert.Equal("http://fashion-mnist.s3-website.eu-central-1.amazonaws.com/", FashionMnistSource.Definition.BaseUrl());
        Assert.Equal(IdxImageFolder.Stems.Select(s => s + ".gz"), FashionMnistSource.Files.Select(f => f.Name));
    }

    [Fact]
    public void The_default_cache_is_per_user_and_ends_in_neuralpipelines()
    {
        var paths = DatasetSearchPaths.FromEnvironment();
        Assert.Equal("neuralpipelines", Path.GetFileName(paths.CacheRoot));
        Assert.True(Path.IsPathRooted(paths.CacheRoot));
        Assert.Equal(Path.Combine(paths.CacheRoot, "fashion-mnist"), paths.CacheFolder("fashion-mnist"));
    }

    [Fact]
    public void A_folder_of_idx_files_resolves_as_an_image_dataset()
    {
        using var tmp = new TempFolder();
        new SyntheticIdxDataset().WriteTo(tmp.File("mine"));
        var catalog = new DatasetCatalog(new DatasetSearchPaths(null, tmp.File("cache"), null));
        var location = catalog.Resolve(tmp.File("mine"));
        Assert.Equal((DatasetKind.IdxImages, DatasetOrigin.Path, "mine"), (location.Kind, location.Origin, location.Name));
        Assert.Equal(12, catalog.LoadImages(tmp.File("mine")).Train.Count);
    }

    [Fact]
    public void A_folder_without_idx_files_is_an_error_naming_the_folder()
    {
        using var tmp = new TempFolder();
        Directory.CreateDirectory(tmp.File("empty"));
        var e = Assert.Throws<FileNotFoundException>(() => new DatasetCatalog().Resolve(tmp.File("empty")));
        Assert.StartsWith(tmp.File("empty") + ": holds no IDX files", e.Message);
    }

    [Fact]
    public void A_csv_with_a_header_row_resolves_as_a_table()
    {
        var iris = ShippedData.Tabular("iris.csv");
        var location = new DatasetCatalog().Resolve(iris);
        Assert.Equal((DatasetKind.Csv, "iris", iris), (location.Kind, location.Name, location.Path));
        Assert.Equal(["sepal length (cm)", "sepal width (cm)", "petal length (cm)", "petal width (cm)", "target"], CsvHeaderCheck.ReadColumnNames(iris));
    }

    [Fact]
    public void A_shipped_table_resolves_by_its_short_name()
    {
        var location = new DatasetCatalog().Resolve("breast-cancer");
        Assert.Equal((DatasetKind.Csv, DatasetOrigin.Shipped, ShippedData.Tabular("breast_cancer.csv")), (location.Kind, location.Origin, location.Path));
        Assert.Equal(ShippedData.Tabular("iris.csv"), ShippedData.TablePath("iris"));
        Assert.Null(ShippedData.TablePath("iris.csv"));
    }

    [Fact]
    public void Csv_problems_name_the_file()
    {
        using var tmp = new TempFolder();
        var catalog = new DatasetCatalog();
        var noHeader = tmp.Write("nohead.csv", "5.1,3.5,1.4,0.2,0\n4.9,3.0,1.4,0.2,0\n");
        Assert.Contains("line 1: looks like data, not a header", Assert.Throws<InvalidDataException>(() => catalog.Resolve(noHeader)).Message);
        var lateNoHeader = tmp.Write("late.csv", "\n\n5.1,3.5\n4.9,3.0\n");
        Assert.Contains("line 3: looks like data, not a header", Assert.Throws<InvalidDataException>(() => catalog.Resolve(lateNoHeader)).Message);
        var empty = tmp.Write("empty.csv", "");
        Assert.StartsWith(empty + ": the file is empty", Assert.Throws<InvalidDataException>(() => catalog.Resolve(empty)).Message);
        var blank = tmp.Write("blank.csv", "a,,c\n1,2,3\n");
        Assert.Contains("line 1, column 2", Assert.Throws<InvalidDataException>(() => catalog.Resolve(blank)).Message);
        var quoted = tmp.Write("quoted.csv", "\"a,b\",\"c\"\"d\"\n1,2\n");
        Assert.Equal(["a,b", "c\"d"], CsvHeaderCheck.ReadColumnNames(quoted));
        Assert.Contains("missing.csv", Assert.Throws<FileNotFoundException>(() => catalog.Resolve(tmp.File("missing.csv"))).Message);
        var csvTable = catalog.Resolve(ShippedData.Tabular("diabetes.csv"));
        Assert.Contains("not an image dataset", Assert.Throws<InvalidDataException>(() => catalog.LoadImages(csvTable.Path)).Message);
    }

    [Fact]
    public void An_unknown_name_lists_the_known_ones()
    {
        var e = Assert.Throws<ArgumentException>(() => new DatasetCatalog().Resolve("cifar-99"));
        Assert.Contains("'cifar-99'", e.Message);
        Assert.Contains("mnist, fashion-mnist", e.Message);
    }

    [Fact]
    public void A_file_that_is_neither_csv_nor_a_folder_is_refused_by_name()
    {
        using var tmp = new TempFolder();
        var txt = tmp.Write("notes.txt", "hello");
        Assert.StartsWith(txt + ": not a dataset", Assert.Throws<InvalidDataException>(() => new DatasetCatalog().Resolve(txt)).Message);
    }
}
