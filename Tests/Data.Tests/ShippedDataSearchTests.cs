using NeuralPipelines.Data.Catalog;
using NeuralPipelines.Data.Csv;
using NeuralPipelines.Tests;

namespace NeuralPipelines.Data.Tests;

public class ShippedDataSearchTests
{
    [Fact]
    public void This_process_finds_the_data_beside_the_executable_first_and_the_user_cache_last()
    {
        var search = ShippedData.Search;
        Assert.Equal(Path.Combine(AppContext.BaseDirectory, "files"), search.Folders[0]);
        Assert.Equal(Path.Combine(DatasetSearchPaths.DefaultCacheRoot(), "shipped"), search.Folders[^1]);
        Assert.Equal(Path.Combine(AppContext.BaseDirectory, "files", "tabular", "iris.csv"), ShippedData.TablePath("iris"));
        Assert.Null(ShippedData.TablePath("iris.csv"));
    }

    [Fact]
    public void Each_name_is_looked_up_on_its_own_so_a_cache_holding_only_the_tables_serves_them()
    {
        using var tmp = new TempFolder();
        var beside = Directory.CreateDirectory(tmp.File("beside")).FullName;   // empty: nothing shipped beside the app
        var cache = tmp.File("cache");
        Directory.CreateDirectory(Path.Combine(cache, "tabular"));
        File.Copy(ShippedData.Tabular("iris.csv"), Path.Combine(cache, "tabular", "iris.csv"));
        var search = new ShippedDataSearch([beside, tmp.File("no-such-checkout"), cache]);

        var iris = search.Find(Path.Combine("tabular", "iris.csv"));
        Assert.Equal(Path.Combine(cache, "tabular", "iris.csv"), iris);
        Assert.Equal(150, CsvReader.Read(iris).RowCount);
        Assert.Null(search.TryFind("mnist-10k"));
    }

    [Fact]
    public void A_name_found_nowhere_says_every_folder_it_looked_in()
    {
        using var tmp = new TempFolder();
        var search = new ShippedDataSearch([tmp.File("a"), tmp.File("b")]);
        var e = Assert.Throws<DirectoryNotFoundException>(() => search.Find("mnist-10k"));
        Assert.Contains("'mnist-10k'", e.Message);
        Assert.Contains(tmp.File("a"), e.Message);
        Assert.Contains(tmp.File("b"), e.Message);
    }

    [Fact]
    public void Mnist_missing_from_the_shipped_folders_is_found_in_the_data_directory_then_reported_with_every_folder()
    {
        using var tmp = new TempFolder();
        var catalog = new DatasetCatalog(new DatasetSearchPaths(tmp.File("data"), tmp.File("cache"), null), shipped: new ShippedDataSearch([tmp.File("beside")]));
        var e = Assert.Throws<DirectoryNotFoundException>(() => catalog.LoadImages("mnist"));
        Assert.Contains(Path.Combine(tmp.File("beside"), "mnist-10k"), e.Message);
        Assert.Contains(tmp.File("data/mnist"), e.Message);
        Assert.Contains(tmp.File("cache/mnist"), e.Message);
        var tableError = Assert.Throws<DirectoryNotFoundException>(() => catalog.Resolve("iris"));
        Assert.Contains(tmp.File("beside"), tableError.Message);

        Directory.CreateDirectory(tmp.File("data/mnist"));
        foreach (var f in Directory.GetFiles(ShippedData.Mnist, "*.gz")) File.Copy(f, Path.Combine(tmp.File("data/mnist"), Path.GetFileName(f)));
        var location = catalog.Resolve("mnist");
        Assert.Equal((DatasetOrigin.DataDirectory, tmp.File("data/mnist")), (location.Origin, location.Path));
        Assert.Equal(2000, catalog.LoadImages("mnist").Test.Count);
    }

    [Fact]
    public void An_explicit_folder_never_searches_for_shipped_data()
    {
        using var tmp = new TempFolder();
        // A search whose every folder is missing: any look-up would throw, and the explicit folder must not need one.
        var catalog = new DatasetCatalog(new DatasetSearchPaths(null, tmp.File("cache"), null), shipped: new ShippedDataSearch([tmp.File("nowhere")]));
        Assert.Equal(8000, catalog.LoadImages(ShippedData.Mnist).Train.Count);
    }
}
