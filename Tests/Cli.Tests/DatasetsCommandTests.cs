using System.Text.Json;
using NeuralPipelines.Data.Catalog;
using NeuralPipelines.Data.Datasets;
using NeuralPipelines.Data.Idx;
using NeuralPipelines.Tests;
using static NeuralPipelines.Cli.Tests.ClassicCli;

namespace NeuralPipelines.Cli.Tests;

/// <summary><c>np datasets</c> run in-process; downloads come from a server on 127.0.0.1 started here, never the internet.</summary>
public class DatasetsCommandTests
{
    private static void AssertOneErrorLine(string err, string mustName)
    {
        var lines = err.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Single(lines);
        Assert.StartsWith("np datasets ", lines[0]);
        Assert.Contains(mustName, lines[0]);
    }

    [Fact]
    public void List_json_shows_the_shipped_mnist_and_where_fashion_mnist_is_or_would_go()
    {
        var (code, stdout, _) = Np("datasets", "list", "--json");
        Assert.Equal(0, code);
        var datasets = JsonDocument.Parse(stdout).RootElement.GetProperty("datasets").EnumerateArray().ToList();
        var mnist = datasets.Single(d => d.GetProperty("name").GetString() == "mnist");
        Assert.True(mnist.GetProperty("present").GetBoolean());
        Assert.Equal("Shipped", mnist.GetProperty("origin").GetString());
        var fashion = datasets.Single(d => d.GetProperty("name").GetString() == "fashion-mnist");
        Assert.True(fashion.GetProperty("present").GetBoolean() || fashion.GetProperty("would_download_to").GetString()!.EndsWith("fashion-mnist"));
    }

    [Fact]
    public void Info_json_gives_counts_shape_and_classes_of_mnist()
    {
        var (code, stdout, _) = Np("datasets", "info", "mnist", "--json");
        Assert.Equal(0, code);
        var info = JsonDocument.Parse(stdout).RootElement;
        Assert.Equal(8000, info.GetProperty("train").GetInt32());
        Assert.Equal(2000, info.GetProperty("test").GetInt32());
        Assert.Equal([1, 28, 28], info.GetProperty("image_shape").EnumerateArray().Select(e => e.GetInt32()));
        Assert.Equal(10, info.GetProperty("classes").GetInt32());
        Assert.Equal(2000, info.GetProperty("test_label_counts").EnumerateArray().Sum(e => e.GetInt32()));
    }

    [Fact]
    public void Info_of_a_csv_lists_its_columns_and_rows()
    {
        var (code, stdout, _) = Np("datasets", "info", ShippedDataPath("tabular", "diabetes.csv"), "--json");
        Assert.Equal(0, code);
        var info = JsonDocument.Parse(stdout).RootElement;
        Assert.Equal(442, info.GetProperty("rows").GetInt64());
        Assert.Equal("target", info.GetProperty("columns").EnumerateArray().Last().GetString());
    }

    [Fact]
    public void Info_of_a_wide_csv_lists_the_first_columns_and_counts_the_rest()
    {
        // 20,000 column names laid out as one wrapped cell took five minutes; the text view now stops at the first few.
        using var temp = new TempFolder();
        const int columns = 2_000;
        var csv = temp.Write("wide.csv", string.Join(",", Enumerable.Range(0, columns).Select(c => $"c{c}")) + "\n" +
            string.Join(",", Enumerable.Repeat("0.5", columns)) + "\n");
        var (code, stdout, stderr) = Np("datasets", "info", csv);
        Assert.True(code == 0, stderr);
        Assert.Contains("c49, … (1,950 more; --json lists all)", stdout);
        Assert.DoesNotContain($"c{columns - 1}", stdout);
        Assert.Contains("2000", stdout);
    }

    [Fact]
    public void Fetch_of_a_shipped_table_says_where_it_is()
    {
        // It said "Unknown dataset 'iris'", though info, regress and score know the name.
        var (code, stdout, stderr) = Np("datasets", "fetch", "iris", "--json");
        Assert.True(code == 0, stderr);
        var fetched = JsonDocument.Parse(stdout).RootElement;
        Assert.EndsWith("iris.csv", fetched.GetProperty("path").GetString());
        Assert.False(fetched.GetProperty("downloaded").GetBoolean());
    }

    [Fact]
    public void The_shipped_photos_are_listed_described_and_fetched_by_the_name_train_colorize_takes()
    {
        // np train colorize --data photos took the name, but np datasets called it unknown (audit N6).
        var (code, stdout, stderr) = Np("datasets", "info", "photos", "--json");
        Assert.True(code == 0, stderr);
        var info = JsonDocument.Parse(stdout).RootElement;
        Assert.Equal(320, info.GetProperty("images").GetInt32());
        Assert.Equal(256, info.GetProperty("splits").GetProperty("train").GetInt32());
        Assert.Equal(64, info.GetProperty("splits").GetProperty("test").GetInt32());
        Assert.Equal(["64×64 (320)"], info.GetProperty("sizes").EnumerateArray().Select(e => e.GetString()));
        Assert.Equal(["PNG (320)"], info.GetProperty("formats").EnumerateArray().Select(e => e.GetString()));

        (code, stdout, stderr) = Np("datasets", "fetch", "photos", "--json");
        Assert.True(code == 0, stderr);
        Assert.False(JsonDocument.Parse(stdout).RootElement.GetProperty("downloaded").GetBoolean());

        (code, stdout, _) = Np("datasets", "list", "--json");
        var listed = JsonDocument.Parse(stdout).RootElement.GetProperty("datasets").EnumerateArray()
            .Single(d => d.GetProperty("name").GetString() == "photos");
        Assert.Equal("Shipped", listed.GetProperty("origin").GetString());
        Assert.Equal(info.GetProperty("path").GetString(), listed.GetProperty("path").GetString());
    }

    [Fact]
    public void Info_of_a_folder_of_photos_by_class_counts_them_and_names_a_file_that_is_no_image()
    {
        using var tmp = new TempFolder();
        var shipped = Directory.GetFiles(System.IO.Path.Combine(ShippedDataPath("photos-64-small"), "test"), "*.png").Order().ToArray();
        foreach (var (cls, files) in new[] { ("cats", shipped[..3]), ("dogs", shipped[3..5]) })
        {
            Directory.CreateDirectory(System.IO.Path.Combine(tmp.Path, cls));
            foreach (var f in files) File.Copy(f, System.IO.Path.Combine(tmp.Path, cls, System.IO.Path.GetFileName(f)));
        }
        var bad = tmp.Write(System.IO.Path.Combine("dogs", "broken.jpg"), "not a jpeg");
        var (code, stdout, stderr) = Np("datasets", "info", tmp.Path);
        Assert.Equal(1, code);
        Assert.Equal("", stdout);
        AssertOneErrorLine(stderr, bad);

        File.Delete(bad);
        (code, stdout, stderr) = Np("datasets", "info", tmp.Path, "--json");
        Assert.True(code == 0, stderr);
        var info = JsonDocument.Parse(stdout).RootElement;
        Assert.Equal(5, info.GetProperty("splits").GetProperty("all").GetInt32());
        Assert.Equal(["cats", "dogs"], info.GetProperty("class_names").EnumerateArray().Select(e => e.GetString()));
    }

    [Fact]
    public void Info_knows_the_shipped_tables_by_the_names_regress_and_classify_take()
    {
        var (code, stdout, stderr) = Np("datasets", "info", "iris", "--json");
        Assert.True(code == 0, stderr);
        var info = JsonDocument.Parse(stdout).RootElement;
        Assert.Equal(150, info.GetProperty("rows").GetInt64());
        Assert.Equal("iris", info.GetProperty("name").GetString());
    }

    [Fact]
    public void Info_of_a_csv_with_a_bad_cell_names_the_file()
    {
        using var tmp = new TempFolder();
        var path = tmp.Write("bad.csv", "a,b,target\n1,2,0\n3,oops,1\n");
        var (code, _, stderr) = Np("datasets", "info", path);
        Assert.Equal(1, code);
        AssertOneErrorLine(stderr, path);
    }

    [Fact]
    public void Info_of_a_folder_without_idx_files_is_one_error_line_naming_the_folder()
    {
        using var tmp = new TempFolder();
        tmp.Write("readme.txt", "no data here");
        var (code, stdout, stderr) = Np("datasets", "info", tmp.Path);
        Assert.Equal(1, code);
        Assert.Equal("", stdout);
        AssertOneErrorLine(stderr, tmp.Path + ": holds no IDX files");
    }

    [Fact]
    public void Info_of_an_idx_file_with_a_wrong_magic_number_names_the_file()
    {
        using var tmp = new TempFolder();
        var split = new TrainTestSplit("s",
            new LabelledImages("a", new float[2 * 4], [0, 1], 1, 2, 2, 10),
            new LabelledImages("b", new float[1 * 4], [1], 1, 2, 2, 10));
        IdxImageFolder.Save(tmp.Path, split);
        var bad = tmp.File("t10k-labels-idx1-ubyte.gz");
        IdxWriter.Write(bad, IdxArray.FromBytes([1], [1]));
        var raw = new MemoryStream();
        using (var gz = new System.IO.Compression.GZipStream(File.OpenRead(bad), System.IO.Compression.CompressionMode.Decompress)) gz.CopyTo(raw);
        var bytes = raw.ToArray();
        bytes[0] = 0x42;
        File.Delete(bad);
        File.WriteAllBytes(tmp.File("t10k-labels-idx1-ubyte"), bytes); // raw, not gzip, is accepted too

        var (code, _, stderr) = Np("datasets", "info", tmp.Path, "--json");
        Assert.Equal(1, code);
        AssertOneErrorLine(stderr, tmp.File("t10k-labels-idx1-ubyte") + ": wrong magic number 0x42000801");
    }

    [Fact]
    public void Info_of_a_truncated_gzip_names_the_file()
    {
        using var tmp = new TempFolder();
        foreach (var name in new[] { "train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte.gz", "t10k-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz" })
            File.Copy(ShippedDataPath("mnist-10k", name), tmp.File(name));
        var cut = tmp.File("t10k-images-idx3-ubyte.gz");
        var bytes = File.ReadAllBytes(cut);
        File.WriteAllBytes(cut, bytes[..(bytes.Length / 2)]);

        var (code, stdout, stderr) = Np("datasets", "info", tmp.Path);
        Assert.Equal(1, code);
        Assert.Equal("", stdout);
        AssertOneErrorLine(stderr, cut + ": truncated or corrupt gzip file");
    }

    [Fact]
    public void Fetch_from_a_server_with_the_wrong_files_fails_naming_the_url_and_keeps_nothing()
    {
        using var server = new LocalFileServer();
        using var tmp = new TempFolder();
        // Serve the shipped MNIST under Fashion-MNIST's names: valid IDX, wrong content, so the SHA-256 check must refuse it.
        foreach (var f in FashionMnistSource.Files) server.Serve("/" + f.Name, File.ReadAllBytes(ShippedDataPath("mnist-10k", f.Name)));
        var target = Path.Combine(tmp.Path, "fm");

        var (code, stdout, stderr) = Np("datasets", "fetch", "fashion-mnist", "--url", server.BaseUrl, "--to", target, "--json");

        Assert.Equal(1, code);
        Assert.Equal("", stdout);
        AssertOneErrorLine(stderr, server.BaseUrl + "train-images-idx3-ubyte.gz: SHA-256 mismatch");
        Assert.Empty(Directory.GetFiles(target));
    }

    [Fact]
    public void Fetch_of_a_missing_path_on_the_server_reports_http_404()
    {
        using var server = new LocalFileServer();
        using var tmp = new TempFolder();
        var (code, _, stderr) = Np("datasets", "fetch", "fashion-mnist", "--url", server.BaseUrl + "gone/", "--to", tmp.File("fm"));
        Assert.Equal(1, code);
        AssertOneErrorLine(stderr, "gone/train-images-idx3-ubyte.gz: HTTP 404");
    }

    [SystemFashionMnistFact]
    public void Fetch_downloads_real_fashion_mnist_from_a_local_server_and_info_describes_it()
    {
        using var server = new LocalFileServer();
        using var tmp = new TempFolder();
        foreach (var f in FashionMnistSource.Files)
            server.Serve("/" + f.Name, File.ReadAllBytes(Path.Combine(SystemFashionMnistFactAttribute.Folder, f.Name)));
        var target = Path.Combine(tmp.Path, "fm");

        var (code, stdout, stderr) = Np("datasets", "fetch", "fashion-mnist", "--url", server.BaseUrl, "--to", target, "--json");
        Assert.True(code == 0, stderr);
        var result = JsonDocument.Parse(stdout).RootElement;
        Assert.True(result.GetProperty("downloaded").GetBoolean());
        Assert.Equal(4, server.Requests.Count);
        Assert.Contains("train-images-idx3-ubyte.gz", stderr); // the progress bar went to stderr under --json

        (code, stdout, _) = Np("datasets", "info", target, "--json");
        Assert.Equal(0, code);
        var info = JsonDocument.Parse(stdout).RootElement;
        Assert.Equal((60000, 10000), (info.GetProperty("train").GetInt32(), info.GetProperty("test").GetInt32()));
    }

    private static string ShippedDataPath(params string[] parts) => NeuralPipelines.Data.ShippedData.Path(parts);
}
