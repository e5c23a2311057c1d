"""Tasks (theo dõi, đôn đốc nhiệm vụ): tasks assigned by the Government, the Prime Minister,
the City Party Committee, the People's Council and the People's Committee, with lead and
coordinating units, deadlines, progress reports, extensions, completion and urging."""
