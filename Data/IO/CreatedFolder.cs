namespace NeuralPipelines.Data.IO;

/// <summary>An output folder made for one run, remembering which folders the run itself created (the folder and any
/// missing parents), so that a run that wrote nothing can take them away again and leave no empty folder behind,
/// while a folder that was there before, or that now holds anything, is never removed.</summary>
public sealed class CreatedFolder
{
    private readonly List<string> created = []; // innermost first

    private CreatedFolder(string path) => Path = path;

    public string Path { get; }

    /// <summary>Creates <paramref name="path"/> and its missing parents (nothing when it exists).</summary>
    /// <exception cref="IOException">It cannot be created; one line naming it and why.</exception>
    public static CreatedFolder Create(string path)
    {
        var folder = new CreatedFolder(path);
        for (var p = System.IO.Path.GetFullPath(path); p is not null && !Directory.Exists(p); p = System.IO.Path.GetDirectoryName(p))
            folder.created.Add(p);
        try { Directory.CreateDirectory(path); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            folder.RemoveIfEmpty();
            string why = e is UnauthorizedAccessException ? "permission denied" : Excerpt.Of(e.Message);
            throw new IOException($"{path}: cannot create the folder ({why}); nothing was written.", e);
        }
        return folder;
    }

    /// <summary>Whether this run made the folder (it did not exist before).</summary>
    public bool IsNew => created.Count > 0;

    /// <summary>Removes the folders this run created that are empty, innermost first; anything else stays.</summary>
    public void RemoveIfEmpty()
    {
        foreach (var p in created)
        {
            try
            {
                if (!Directory.Exists(p) || Directory.EnumerateFileSystemEntries(p).Any()) return;
                Directory.Delete(p);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException) { return; }
        }
    }
}
